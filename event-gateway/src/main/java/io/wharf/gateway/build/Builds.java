package io.wharf.gateway.build;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.nats.client.Connection;
import io.wharf.build.context.BuildContext;
import io.wharf.build.context.Containerfiles;
import io.wharf.build.kaniko.KanikoFlags;
import io.wharf.contracts.Hashes;
import io.wharf.contracts.Names;
import io.wharf.contracts.ValidationException;
import io.wharf.contracts.Violation;
import io.wharf.contracts.build.BuildRecord;
import io.wharf.contracts.function.FunctionDefinition;
import io.wharf.gateway.GatewayConfig;
import io.wharf.gateway.api.ApiException;
import io.wharf.gateway.api.ImagePolicy;
import io.wharf.jetstream.BuildStore;
import io.wharf.jetstream.ConflictException;
import io.wharf.jetstream.Publisher;
import io.wharf.jetstream.Versioned;

/**
 * Accepts builds: a checked context becomes a build record (pending), its context is stored, and the build service is
 * asked on {@code wharf.builds.<id>}. The id comes from the owner and the context's content, so the same definition is
 * built once per user (asked again, the existing build is answered; a failed one is tried again); the image is the
 * owner's own ({@code <wharf.gateway.build-images>/u<user key>:<id>}), which no other user's function may name.
 */
@ApplicationScoped
public class Builds {

    private static final Logger LOG = Logger.getLogger(Builds.class);
    /** What the engine takes for an image id (a prefix of one will do), which may name any user's image. */
    private static final java.util.regex.Pattern IMAGE_ID = java.util.regex.Pattern.compile(
            "(sha256:)?[0-9a-f]{4,64}");

    private final BuildStore store;
    private final Publisher publisher;
    private final ImagePolicy images;
    /** Where built images go, each user's in a repository of their own below it. */
    private final String imagePrefix;

    public Builds(Connection connection, Publisher publisher, ImagePolicy images, GatewayConfig config) {
        String prefix = config.gateway().buildImages();
        this.imagePrefix = prefix.endsWith("/") ? prefix : prefix + "/";
        this.store = new BuildStore(connection);
        this.publisher = publisher;
        this.images = images;
    }

    /** The submission's outcome: the build, and whether it is new (or built, or building, already). */
    public record Submitted(BuildRecord build, boolean created) {
    }

    /**
     * @param section where the section's fields are in the body: {@code ""} (the whole body, as on
     *            {@code POST /system/builds}) or {@code build} (a function's {@code build} section); bad input is
     *            reported under {@code dockerfile} or {@code kaniko_flags[i]} inside it
     * @throws ValidationException when a base image comes from a repository the platform does not allow, or a
     *             Kaniko flag is refused
     */
    public Submitted submit(BuildContext context, String owner, String section, List<String> kanikoFlags) {
        String prefix = section.isEmpty() ? "" : section + ".";
        checkBaseImages(context, owner, prefix + "dockerfile");
        List<String> flags = KanikoFlags.check(kanikoFlags, prefix + "kaniko_flags");
        String hash = context.hash();
        String id = Hashes.sha256Hex(owner, hash, String.join("\n", flags)).substring(0, 16);
        String image = repositoryOf(owner) + ":" + id;
        Optional<Versioned<BuildRecord>> existing = store.get(id);
        if (existing.isPresent() && !BuildRecord.FAILED.equals(existing.get().value().state())) {
            BuildRecord known = existing.get().value();
            if (BuildRecord.PENDING.equals(known.state())) {
                // its request may have been lost (the gateway stopped after storing the record): asked again, under
                // the same message id, so a request still queued is not doubled
                publisher.publishBuild(Names.buildsSubject(id), id + ":" + known.attempt() + ":" + known.created());
            }
            return new Submitted(known, false);
        }
        // the context first: a record never names a context that is not there
        store.putContext(id, context.toTarGz());
        BuildRecord build;
        try {
            if (existing.isPresent()) {
                build = existing.get().value().retried(Instant.now());
                store.update(build, existing.get().revision());
            } else {
                build = new BuildRecord(id, owner, BuildRecord.PENDING, image, null, null, hash, context.size(),
                        context.dockerfilePath(), Instant.now(), null, null, 0, flags);
                store.create(build);
            }
        } catch (ConflictException raced) {
            // submitted at the same moment by another request: that one is as good
            return new Submitted(store.get(id).orElseThrow().value(), false);
        }
        publisher.publishBuild(Names.buildsSubject(id), id + ":" + build.attempt() + ":" + build.created());
        LOG.infof("build=%s of %s asked for (%d bytes of context)", id, owner, context.size());
        return new Submitted(build, true);
    }

    /** The user's build; empty when there is none of that id, or it is another user's. */
    public Optional<BuildRecord> get(String id, String user) {
        if (id == null || !id.matches("[0-9a-f]{16}")) {
            return Optional.empty();
        }
        return store.get(id).map(Versioned::value).filter(b -> b.owner().equals(user));
    }

    /**
     * Deletes a user's build that has ended: its record, context and log, and (through the build service) its image
     * on the machine. A build a function still runs on is kept.
     *
     * @param functions the functions there are (the ones on its image are named in the refusal)
     * @throws ApiException 404 when the user has no such build; 409 while it builds or a function uses its image
     */
    public void delete(String id, String user, List<FunctionDefinition> functions) {
        BuildRecord build = get(id, user).orElseThrow(() -> ApiException.notFound("no build '" + id + "'"));
        if (!build.isFinal()) {
            throw new ApiException(409, "Conflict", "build '" + id + "' is " + build.state().toLowerCase(Locale.ROOT)
                    + "; delete it once it has ended");
        }
        List<String> users = functions.stream()
                .filter(fn -> fn.image() != null && sameImage(fn.image(), build.image()))
                .map(FunctionDefinition::name)
                .sorted()
                .toList();
        if (!users.isEmpty()) {
            throw new ApiException(409, "Conflict", "build '" + id + "' is the image of " + String.join(", ", users)
                    + "; delete or change " + (users.size() == 1 ? "that function" : "those functions") + " first");
        }
        // asked first, so that a failure here leaves the build whole; the builder removes the image only once the
        // record is gone (it tries again meanwhile)
        if (BuildRecord.SUCCEEDED.equals(build.state())) {
            publisher.publishBuildRemoval(Names.buildsSubject(id), build.image(), "remove:" + id + ":"
                    + build.finished());
        }
        store.delete(id);
        LOG.infof("build=%s of %s deleted", id, user);
    }

    /** The same image, with or without the {@code localhost/} the engine adds to a short name. */
    private static boolean sameImage(String a, String b) {
        return a.equals(b) || ("localhost/" + a).equals(b) || a.equals("localhost/" + b);
    }

    public List<BuildRecord> list(String user) {
        return store.list().stream().filter(b -> b.owner().equals(user)).toList();
    }

    public Optional<byte[]> log(String id) {
        return store.log(id);
    }

    private boolean isBuildImage(String image) {
        String shortPrefix = imagePrefix.startsWith("localhost/") ? imagePrefix.substring(10) : imagePrefix;
        return image.startsWith(imagePrefix) || image.startsWith(shortPrefix);
    }

    /** The image repository of a user's builds. */
    public String repositoryOf(String user) {
        return imagePrefix + "u" + Hashes.sha256Hex(user).substring(0, 12);
    }

    /**
     * @throws ValidationException when {@code image} is a build image of another user (under any name the engine
     *         resolves to it: with or without {@code localhost/}), or an image id, which could name any user's image
     */
    public void checkOwnImage(String image, String user, String field) {
        if (image == null) {
            return;
        }
        if (IMAGE_ID.matcher(image).matches()) {
            throw new ValidationException(field, "must be an image reference, not an image id");
        }
        String own = repositoryOf(user) + ":";
        if (isBuildImage(image) && !image.startsWith(own) && !("localhost/" + image).startsWith(own)) {
            throw new ValidationException(field, "names another user's build: a function may use only its owner's "
                    + "built images");
        }
        if (isBuildImage(image) && get(BuildRecord.idOfImage(image), user).isEmpty()) {
            throw new ValidationException(field, "names no build of yours: it was deleted, or never made");
        }
    }

    private void checkBaseImages(BuildContext context, String owner, String field) {
        List<Violation> violations = new ArrayList<>();
        for (String base : Containerfiles.baseImages(context.containerfile(), field)) {
            checkOwnImage(base, owner, field);
            if (!images.allows(base)) {
                violations.add(new Violation(field, "builds FROM " + base + ", which is not from a repository this "
                        + "platform allows: " + String.join(", ", images.allowed())));
            }
        }
        if (!violations.isEmpty()) {
            throw new ValidationException(violations);
        }
    }
}
