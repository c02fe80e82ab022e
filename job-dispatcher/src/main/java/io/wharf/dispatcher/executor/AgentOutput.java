package io.wharf.dispatcher.executor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What a warm worker's agent writes on its standard output, read on a thread of its own into a short queue of short
 * lines. A script can write there too (through {@code /proc}): a line longer than an answer, or more lines than
 * answers come, end the reading as if the worker had ended, and the worker is thrown away; nothing a script writes
 * can grow the dispatcher's memory.
 */
final class AgentOutput {

    /** What {@link #next} returns once the output has ended (or was flooded). */
    static final String END = "\0end";
    private static final int MAX_LINE = 128;
    private static final int MAX_LINES = 16;

    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(MAX_LINES + 1);

    AgentOutput(InputStream output, String name) {
        Thread reader = new Thread(() -> read(output), "warm-worker-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** The next line, {@link #END}, or null when none came within the wait. */
    String next(long waitMillis) throws InterruptedException {
        String line = lines.poll(waitMillis, TimeUnit.MILLISECONDS);
        if (END.equals(line)) {
            lines.offer(END);
        }
        return line;
    }

    private void read(InputStream output) {
        try (InputStream in = output) {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b >= 0; b = in.read()) {
                if (b == '\n') {
                    if (!lines.offer(line.toString())) {
                        break;
                    }
                    line.setLength(0);
                } else if (line.length() < MAX_LINE) {
                    line.append((char) (b & 0x7f));
                } else {
                    break;
                }
            }
        } catch (IOException ended) {
            // as an end
        }
        lines.clear();
        lines.offer(END);
    }

    /** The last bytes of a stream (the engine's own messages), kept in memory on a thread of its own. */
    static final class Tail {

        private static final int KEEP = 16 * 1024;
        private final byte[] kept = new byte[KEEP];
        private long written;

        Tail(InputStream stream, String name) {
            Thread reader = new Thread(() -> {
                byte[] buffer = new byte[4096];
                try (InputStream in = stream) {
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        add(buffer, n);
                    }
                } catch (IOException ended) {
                    // nothing more to keep
                }
            }, "warm-worker-engine-" + name);
            reader.setDaemon(true);
            reader.start();
        }

        private synchronized void add(byte[] buffer, int n) {
            for (int i = 0; i < n; i++) {
                kept[(int) (written++ % KEEP)] = buffer[i];
            }
        }

        @Override
        public synchronized String toString() {
            int size = (int) Math.min(written, KEEP);
            byte[] out = new byte[size];
            for (int i = 0; i < size; i++) {
                out[i] = kept[(int) ((written - size + i) % KEEP)];
            }
            return new String(out, StandardCharsets.UTF_8);
        }
    }
}
