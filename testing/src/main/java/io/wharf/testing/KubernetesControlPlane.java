package io.wharf.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A real Kubernetes control plane: {@code etcd}, {@code kube-apiserver} (token authentication, RBAC) and
 * {@code kube-controller-manager} (the real Job controller, service account tokens), built from source by
 * {@code ./wharf install kubernetes} and started on free loopback ports. There is no scheduler and no kubelet: pods
 * stay Pending until a test plays the node by writing their status. The API server's certificate is self-signed;
 * {@link #kubeconfig()} trusts it.
 */
public final class KubernetesControlPlane implements AutoCloseable {

    private final Path dir;
    private final String adminToken = UUID.randomUUID().toString();
    private final int etcdPort = FreePorts.next();
    private final int etcdPeerPort = FreePorts.next();
    private final int apiPort = FreePorts.next();
    private final int controllerPort = FreePorts.next();
    private ServerProcess etcd;
    private ServerProcess apiServer;
    private ServerProcess controllerManager;

    public KubernetesControlPlane(Path dir) {
        this.dir = dir;
    }

    public KubernetesControlPlane start() {
        try {
            Files.createDirectories(dir.resolve("certs"));
            writeServiceAccountKeys();
            Files.writeString(dir.resolve("tokens.csv"), adminToken + ",admin,admin,system:masters\n");
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot prepare the control plane in " + dir, e);
        }
        String etcdUrl = "http://127.0.0.1:" + etcdPort;
        etcd = new ServerProcess("etcd", List.of(Binaries.find("etcd").toString(),
                "--data-dir", dir.resolve("etcd").toString(),
                "--listen-client-urls", etcdUrl, "--advertise-client-urls", etcdUrl,
                "--listen-peer-urls", "http://127.0.0.1:" + etcdPeerPort,
                "--initial-advertise-peer-urls", "http://127.0.0.1:" + etcdPeerPort,
                "--initial-cluster", "default=http://127.0.0.1:" + etcdPeerPort),
                Map.of(), etcdPort, dir.resolve("etcd.log")).start(Duration.ofSeconds(60));
        apiServer = new ServerProcess("kube-apiserver", List.of(Binaries.find("kube-apiserver").toString(),
                "--etcd-servers", etcdUrl,
                "--secure-port", Integer.toString(apiPort), "--bind-address", "127.0.0.1",
                // no Service of its own to keep up to date (a loopback address may not be advertised)
                "--endpoint-reconciler-type", "none",
                "--cert-dir", dir.resolve("certs").toString(),
                "--token-auth-file", dir.resolve("tokens.csv").toString(),
                "--authorization-mode", "Node,RBAC",
                "--service-account-issuer", "https://kubernetes.default.svc",
                "--service-account-key-file", dir.resolve("sa.pub").toString(),
                "--service-account-signing-key-file", dir.resolve("sa.key").toString(),
                "--service-cluster-ip-range", "10.96.0.0/16"),
                Map.of(), apiPort, dir.resolve("kube-apiserver.log")).start(Duration.ofSeconds(120));
        await("kube-apiserver /readyz").atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> get("/readyz").statusCode() == 200);
        writeKubeconfig();
        controllerManager = new ServerProcess("kube-controller-manager", List.of(
                Binaries.find("kube-controller-manager").toString(),
                "--kubeconfig", kubeconfig().toString(),
                "--authentication-kubeconfig", kubeconfig().toString(),
                "--authorization-kubeconfig", kubeconfig().toString(),
                "--secure-port", Integer.toString(controllerPort), "--bind-address", "127.0.0.1",
                "--service-account-private-key-file", dir.resolve("sa.key").toString(),
                "--use-service-account-credentials", "--controllers", "*",
                "--root-ca-file", dir.resolve("certs/apiserver.crt").toString(),
                "--leader-elect=false"),
                Map.of(), controllerPort, dir.resolve("kube-controller-manager.log")).start(Duration.ofSeconds(120));
        return this;
    }

    /** {@code https://127.0.0.1:<port>} */
    public String url() {
        return "https://127.0.0.1:" + apiPort;
    }

    /** A bearer token of {@code system:masters}: for the tests themselves, never for the code under test. */
    public String adminToken() {
        return adminToken;
    }

    /** A kubeconfig for the admin user that trusts the API server's certificate. */
    public Path kubeconfig() {
        return dir.resolve("kubeconfig");
    }

    /** The API server's self-signed certificate, PEM. */
    public Path certificate() {
        return dir.resolve("certs/apiserver.crt");
    }

    /** The folder of the built {@code kubectl}, for a {@code PATH}. */
    public Path kubectlDirectory() {
        return Binaries.find("kubectl").getParent();
    }

    /** Runs the built {@code kubectl} against the control plane as the admin; returns its exit code and output. */
    public CommandResult kubectl(String... arguments) {
        List<String> command = new java.util.ArrayList<>(List.of(Binaries.find("kubectl").toString(),
                "--kubeconfig", kubeconfig().toString()));
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            return new CommandResult(process.waitFor(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What a command printed, and how it ended. */
    public record CommandResult(int exitCode, String output) {
    }

    /** GET on the API server as the admin, trusting its self-signed certificate (tests only). */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client().send(HttpRequest.newBuilder(URI.create(url() + path))
                .header("Authorization", "Bearer " + adminToken)
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        for (ServerProcess process : new ServerProcess[]{controllerManager, apiServer, etcd}) {
            if (process != null) {
                process.stop();
            }
        }
    }

    private void writeKubeconfig() {
        try {
            String ca = Base64.getEncoder().encodeToString(Files.readAllBytes(certificate()));
            Files.writeString(kubeconfig(), """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: wharf-test
                      cluster: {server: "%s", certificate-authority-data: "%s"}
                    users:
                    - name: admin
                      user: {token: "%s"}
                    contexts:
                    - name: wharf-test
                      context: {cluster: wharf-test, user: admin}
                    current-context: wharf-test
                    """.formatted(url(), ca, adminToken));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeServiceAccountKeys() throws IOException, GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048, new SecureRandom());
        KeyPair pair = generator.generateKeyPair();
        Files.writeString(dir.resolve("sa.key"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        Files.writeString(dir.resolve("sa.pub"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static HttpClient client() {
        try {
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, new TrustManager[]{new X509TrustManager() {

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return HttpClient.newBuilder().sslContext(ssl).build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
