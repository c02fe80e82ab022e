package io.wharf.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real Keycloak, the OpenID provider Wharf's users sign in with, in development mode on a free port of 127.0.0.1,
 * with its own H2 database in {@code dir} so that no two runs share realms or users. Tests provision it through the
 * admin REST API ({@link #createRealm}, {@link #createClient}, {@link #createUser}) and sign users in with the password
 * grant ({@link #accessToken}).
 * <p>
 * The distribution is Keycloak's zip from Maven Central, unpacked once into {@code .wharf/cache/keycloak-<version>};
 * the first use fetches the zip with {@code ./mvnw dependency:copy}.
 */
public final class KeycloakServer implements AutoCloseable {

    public static final String VERSION = "26.4.0";

    private static final Logger LOG = Logger.getLogger(KeycloakServer.class);
    private static final String ARTIFACT = "org.keycloak:keycloak-quarkus-dist:" + VERSION + ":zip";
    private static final String ADMIN = "admin";
    /** Generous: a start takes 15 s here, and 30 s when two share two cores; the first, which builds, twice that. */
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(180);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final int port;
    private final String adminPassword = UUID.randomUUID().toString();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ServerProcess process;
    private Duration startup;

    public KeycloakServer(Path dir) {
        this.dir = dir;
        this.port = FreePorts.next();
    }

    /** Starts Keycloak and waits until its master realm answers, unpacking the distribution first if need be. */
    public KeycloakServer start() {
        Path home = distribution();
        long t0 = System.nanoTime();
        process = launch(home, dir, port, adminPassword, logFile());
        URI wellKnown = URI.create(issuer("master") + "/.well-known/openid-configuration");
        try {
            await("Keycloak answering " + wellKnown).atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException(
                                    "Keycloak exited, see " + logFile() + ":\n" + process.tail());
                        }
                        return status(wellKnown) == 200;
                    });
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
        startup = Duration.ofNanos(System.nanoTime() - t0);
        LOG.infof("Keycloak %s answers on %s after %d ms", VERSION, url(), startup.toMillis());
        return this;
    }

    /** From starting {@code kc.sh} to the master realm's OpenID configuration answering. */
    public Duration startup() {
        return startup;
    }

    /** Where Keycloak serves everything: the realms and the admin REST API. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The {@code iss} of the realm's tokens, and where its {@code .well-known/openid-configuration} is. */
    public String issuer(String realm) {
        return url() + "/realms/" + realm;
    }

    public Path logFile() {
        return dir.resolve("keycloak.log");
    }

    /** Creates an enabled realm; fails if it exists. */
    public void createRealm(String realm) {
        admin(adminToken(), "/admin/realms", Map.of("realm", realm, "enabled", true), 201);
    }

    /**
     * Creates a public client that may use the password grant, whose tokens (access, ID and userinfo) carry a
     * {@code groups} claim: the names of the user's groups, without their paths.
     */
    public void createClient(String realm, String clientId) {
        Map<String, Object> groupsMapper = Map.of("name", "groups", "protocol", "openid-connect", "protocolMapper",
                "oidc-group-membership-mapper", "config",
                Map.of("full.path", "false", "claim.name", "groups", "access.token.claim", "true", "id.token.claim",
                        "true", "userinfo.token.claim", "true"));
        admin(adminToken(), "/admin/realms/" + realm + "/clients",
                Map.of("clientId", clientId, "enabled", true, "publicClient", true, "directAccessGrantsEnabled", true,
                        "standardFlowEnabled", false, "protocolMappers", List.of(groupsMapper)),
                201);
    }

    /**
     * Creates a public client that signs users in with the authorization code flow (PKCE with S256 required) and sends
     * them back to {@code redirectUri} only, as a web application's login does; its tokens carry {@code groups} as
     * {@link #createClient}'s.
     */
    public void createWebClient(String realm, String clientId, String redirectUri) {
        Map<String, Object> groupsMapper = Map.of("name", "groups", "protocol", "openid-connect", "protocolMapper",
                "oidc-group-membership-mapper", "config",
                Map.of("full.path", "false", "claim.name", "groups", "access.token.claim", "true", "id.token.claim",
                        "true", "userinfo.token.claim", "true"));
        admin(adminToken(), "/admin/realms/" + realm + "/clients",
                Map.of("clientId", clientId, "enabled", true, "publicClient", true, "directAccessGrantsEnabled", false,
                        "standardFlowEnabled", true, "redirectUris", List.of(redirectUri), "attributes",
                        Map.of("pkce.code.challenge.method", "S256"), "protocolMappers", List.of(groupsMapper)),
                201);
    }

    /**
     * Creates a user who can sign in with the password grant at once, member of the given top-level groups (created
     * if missing), and returns the user's id: the {@code sub} of the user's tokens. Keycloak's user profile requires
     * an email, a first and a last name before it lets a user sign in, so the user gets
     * {@code <username>@example.org}, verified, {@code <username>} and {@code Test}.
     */
    public String createUser(String realm, String username, String password, String... groups) {
        String token = adminToken();
        for (String group : groups) {
            // 409: the group exists already
            admin(token, "/admin/realms/" + realm + "/groups", Map.of("name", group), 201, 409);
        }
        String email = username.contains("@") ? username : username + "@example.org";
        HttpResponse<String> created = admin(token, "/admin/realms/" + realm + "/users",
                Map.of("username", username, "enabled", true, "email", email, "emailVerified", true, "firstName",
                        username, "lastName", "Test", "requiredActions", List.of(), "groups", List.of(groups),
                        "credentials", List.of(Map.of("type", "password", "value", password, "temporary", false))),
                201);
        String location = created.headers()
                .firstValue("Location")
                .orElseThrow(
                        () -> new IllegalStateException("Keycloak created user " + username + " but said not where"));
        return location.substring(location.lastIndexOf('/') + 1);
    }

    /** Signs the user in with the password grant through the client, and returns the access token (a JWT). */
    public String accessToken(String realm, String clientId, String username, String password) {
        return tokens(realm, clientId, username, password).get("access_token").asText();
    }

    public void stop() {
        if (process != null) {
            process.stop();
            process = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private String adminToken() {
        return tokens("master", "admin-cli", ADMIN, adminPassword).get("access_token").asText();
    }

    private JsonNode tokens(String realm, String clientId, String username, String password) {
        String form = form("grant_type", "password", "client_id", clientId, "username", username, "password",
                password);
        HttpResponse<String> response = send(
                HttpRequest.newBuilder(URI.create(issuer(realm) + "/protocol/openid-connect/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("password grant for " + username + " through " + clientId + " on realm "
                    + realm + " failed: " + response.statusCode() + " " + response.body());
        }
        try {
            return JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not JSON from Keycloak: " + response.body(), e);
        }
    }

    private static String form(String... namesAndValues) {
        StringBuilder form = new StringBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            form.append(i == 0 ? "" : "&")
                    .append(URLEncoder.encode(namesAndValues[i], StandardCharsets.UTF_8))
                    .append('=')
                    .append(URLEncoder.encode(namesAndValues[i + 1], StandardCharsets.UTF_8));
        }
        return form.toString();
    }

    /** POSTs JSON to the admin REST API and fails unless the answer has one of the expected statuses. */
    private HttpResponse<String> admin(String token, String path, Object body, int... expected) {
        HttpResponse<String> response;
        try {
            response = send(HttpRequest.newBuilder(URI.create(url() + path))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .build());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        for (int status : expected) {
            if (response.statusCode() == status) {
                return response;
            }
        }
        throw new IllegalStateException(
                "POST " + path + " answered " + response.statusCode() + ": " + response.body());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + request.method() + " " + request.uri(), e);
        }
    }

    private int status(URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * Runs {@code kc.sh start-dev} bound to 127.0.0.1 only (its default is every address), with everything it writes
     * under {@code dir}: {@code --db-url-path} (a hidden option of Keycloak's, "for internal purposes of H2") moves its
     * H2 database from the distribution's {@code data/h2} to {@code dir/data/h2}, and the transaction manager's object
     * store moves from the distribution's {@code data/transaction-logs}. {@code --hostname} makes the tokens' issuer
     * the same however a client reaches the server.
     */
    private static ServerProcess launch(Path home, Path dir, int port, String adminPassword, Path logFile) {
        List<String> command = List.of(home.resolve("bin/kc.sh").toString(), "start-dev", "--http-host", "127.0.0.1",
                "--http-port", Integer.toString(port), "--hostname", "http://127.0.0.1:" + port,
                "--db-url-path=" + dir.toAbsolutePath(),
                "-Dquarkus.transaction-manager.object-store.directory=" + dir.toAbsolutePath()
                        .resolve("transaction-logs"));
        // kc.sh opens a debugger port on DEBUG=true or KC_DEBUG=true, which a developer's shell may well have set
        Map<String, String> environment = Map.of("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN, "KC_BOOTSTRAP_ADMIN_PASSWORD",
                adminPassword, "JAVA_HOME", System.getProperty("java.home"), "KC_DEBUG", "false", "DEBUG", "false");
        return new ServerProcess("keycloak", command, environment, port, logFile).start(STARTUP_TIMEOUT);
    }

    /**
     * The unpacked distribution, ready for {@code start-dev}. It appears in the cache all at once: it is unpacked
     * into a folder of its own and renamed into place, so that processes racing here never see half of one (the
     * loser throws its copy away).
     * <p>
     * Before the rename, it is started once: the first {@code start-dev} of a distribution runs Keycloak's build
     * step, which rewrites {@code lib/quarkus} for the development profile; two servers doing that at once would
     * corrupt each other's files, and later starts skip it.
     */
    static synchronized Path distribution() {
        Path cache = Binaries.repositoryRoot().resolve(".wharf/cache");
        Path home = cache.resolve("keycloak-" + VERSION);
        if (Files.isDirectory(home)) {
            return home;
        }
        Path work = cache.resolve("keycloak-" + VERSION + ".unpacking-" + UUID.randomUUID());
        try {
            Path zip = cache.resolve("keycloak-quarkus-dist-" + VERSION + ".zip");
            if (!Files.isRegularFile(zip)) {
                download(zip, work.resolve("download"));
            }
            LOG.infof("unpacking %s into %s", zip, home);
            unzip(zip, work);
            Path unpacked = work.resolve("keycloak-" + VERSION);
            try (ServerProcess build = launch(unpacked, work.resolve("build"), FreePorts.next(),
                    UUID.randomUUID().toString(), cache.resolve("keycloak-" + VERSION + ".build.log"))) {
                LOG.infof("built Keycloak %s for start-dev in %d ms", VERSION, build.startup().toMillis());
            }
            try {
                Files.move(unpacked, home, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (!Files.isDirectory(home)) {
                    throw e;
                }
                // another process put its copy in place first
            }
            return home;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack Keycloak " + VERSION + " into " + home, e);
        } finally {
            deleteTree(work);
        }
    }

    /** Fetches the distribution's zip from Maven (the local repository or Central) with the repository's mvnw. */
    private static void download(Path zip, Path into) throws IOException {
        Path root = Binaries.repositoryRoot();
        Files.createDirectories(into);
        Path log = into.resolve("mvnw.log");
        List<String> command = List.of(root.resolve("mvnw").toString(), "-q", "-B", "-N", "dependency:copy",
                "-Dartifact=" + ARTIFACT, "-DoutputDirectory=" + into);
        LOG.infof("fetching %s: %s", ARTIFACT, command);
        Process mvnw = new ProcessBuilder(command).directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            if (!mvnw.waitFor(10, TimeUnit.MINUTES)) {
                mvnw.destroyForcibly();
                throw new IOException("mvnw took more than ten minutes to fetch " + ARTIFACT);
            }
        } catch (InterruptedException e) {
            mvnw.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted fetching " + ARTIFACT, e);
        }
        Path fetched = into.resolve(zip.getFileName());
        if (mvnw.exitValue() != 0 || !Files.isRegularFile(fetched)) {
            throw new IOException("mvnw could not fetch " + ARTIFACT + " (exit " + mvnw.exitValue() + "):\n"
                    + Files.readString(log));
        }
        Files.move(fetched, zip, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Unzips, making the scripts of {@code bin} executable: java.util.zip knows nothing of file modes. */
    private static void unzip(Path zip, Path into) throws IOException {
        Path root = into.toAbsolutePath().normalize();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (Enumeration<? extends ZipEntry> entries = file.entries(); entries.hasMoreElements();) {
                ZipEntry entry = entries.nextElement();
                Path target = root.resolve(entry.getName()).normalize();
                if (!target.startsWith(root)) {
                    throw new IOException("entry " + entry.getName() + " of " + zip + " points outside");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = file.getInputStream(entry)) {
                    Files.copy(in, target);
                }
                if (entry.getName().matches("[^/]+/bin/[^/]+\\.sh")) {
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.warnf("cannot delete %s: %s", dir, e);
        }
    }
}
