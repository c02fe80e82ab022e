package io.wharf.contracts.build;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What to build an image from: a Containerfile written inline, or a base image with packages to install and commands
 * to run. (A build context archive is uploaded to {@code POST /system/builds} instead; its Containerfile is named by
 * {@code dockerfile_path}.)
 *
 * @param dockerfile the Containerfile's text
 * @param baseImage with {@code packages} and {@code commands}, instead of a Containerfile
 * @param packages packages the base image's package manager installs (apk, apt-get or dnf, whichever it has)
 * @param commands shell commands run in the image, in order, after the packages
 * @param kanikoFlags extra flags for Kaniko on Kubernetes, from an allow-list
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record BuildSpec(
        @JsonProperty("dockerfile") String dockerfile,
        @JsonProperty("base_image") String baseImage,
        @JsonProperty("packages") List<String> packages,
        @JsonProperty("commands") List<String> commands,
        @JsonProperty("kaniko_flags") List<String> kanikoFlags) {

    public BuildSpec {
        packages = packages == null ? List.of() : List.copyOf(packages);
        commands = commands == null ? List.of() : List.copyOf(commands);
        kanikoFlags = kanikoFlags == null ? List.of() : List.copyOf(kanikoFlags);
    }
}
