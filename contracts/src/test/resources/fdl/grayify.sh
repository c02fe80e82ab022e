#!/bin/sh
echo "SCRIPT: converting $INPUT_FILE_PATH"
convert "$INPUT_FILE_PATH" -type Grayscale "$TMP_OUTPUT_DIR/$(basename "$INPUT_FILE_PATH")"
