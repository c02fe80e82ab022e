package io.wharf.contracts.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.wharf.contracts.Json;
import io.wharf.contracts.ValidationException;
import io.wharf.contracts.Violation;

class FdlReaderTest {

    @Test
    void shouldReadOscarLayoutAndLoadScriptFileRelativeToTheFdl() throws Exception {
        List<FunctionDefinition> functions = FdlReader.read(fixture("grayify.yaml"), fixtureDir());

        assertThat(functions).singleElement().satisfies(fn -> {
            assertThat(fn.name()).isEqualTo("grayify");
            assertThat(fn.clusterId()).isEqualTo("oscar-cluster");
            assertThat(fn.memory()).isEqualTo("1Gi");
            assertThat(fn.cpu()).isEqualTo("1.0");
            assertThat(fn.script()).contains("convert \"$INPUT_FILE_PATH\"");
            assertThat(fn.input()).singleElement().satisfies(in -> {
                assertThat(in.provider().isPlatformMinio()).isTrue();
                assertThat(in.bucket()).isEqualTo("grayify");
                assertThat(in.keyPrefix()).isEqualTo("in");
            });
            assertThat(fn.output().get(0).suffix()).containsExactly(".png");
        });
    }

    @Test
    void shouldReadChainedFunctionsWithSharedProvidersAndNumericCpu() throws Exception {
        List<FunctionDefinition> functions = FdlReader.read(fixture("workflow.yaml"), fixtureDir());

        assertThat(functions).extracting(FunctionDefinition::name).containsExactly("anonymise", "detect-masks");
        assertThat(functions.get(0).output().get(0).path()).isEqualTo(functions.get(1).input().get(0).path());
        assertThat(functions.get(1).cpu()).isEqualTo("1");
        assertThat(functions.get(1).input().get(0).suffix()).containsExactly(".jpg");
        assertThat(functions.get(0).storageProviders().minio()).containsKey("remote-site");
    }

    @Test
    void shouldAcceptOscarFieldsWharfDoesNotUseAndBothEnvironmentSpellings() throws Exception {
        List<FunctionDefinition> functions = FdlReader.read(fixture("everything.yaml"), fixtureDir());

        FunctionDefinition cowsay = functions.get(0);
        assertThat(cowsay.environment().variables()).containsEntry("INPUT_TYPE", "json").containsEntry("EMPTY", "");
        assertThat(cowsay.environment().secrets()).containsEntry("COWSAY_SECRET", "not-for-your-eyes");
        assertThat(cowsay.labels()).containsEntry("tier", "demo");
        assertThat(cowsay.storageProviders().onedata().get("my-space").space()).isEqualTo("demo-space");
        assertThat(functions.get(1).name()).isEqualTo("plain");
    }

    @Test
    void shouldReadThePlainSingleFunctionForm() throws Exception {
        FunctionDefinition fn = FdlReader.read(fixture("single.yaml"), fixtureDir()).get(0);

        assertThat(fn.name()).isEqualTo("line-count");
        assertThat(fn.timeout()).isEqualTo(30);
        assertThat(FunctionValidator.cpuMillis(fn.cpu())).isEqualTo(250);
        assertThat(FunctionValidator.memoryBytes(fn.memory())).isEqualTo(64L << 20);
        assertThat(fn.input().get(0).prefix()).containsExactly("report-");
    }

    @Test
    void shouldReadOscarServiceJsonAsOscarCliSendsIt() {
        String json = """
                {"name":"grayify","cluster_id":"c1","memory":"1Gi","cpu":"1.0","image":"img","script":"echo hi",
                 "environment":{"Variables":{"A":"1"}},"input":[{"storage_provider":"minio.default","path":"gray/in"}],
                 "output":[{"storage_provider":"minio.default","path":"gray/out"}],
                 "storage_providers":{"minio":{"default":{"endpoint":"http://x","verify":true,"access_key":"a","secret_key":"s","region":"r"}}},
                 "clusters":{"c1":{"endpoint":"http://x","auth_user":"u","auth_password":"p","ssl_verify":true}},
                 "synchronous":{"min_scale":0,"max_scale":0},"expose":{"min_scale":0},"total_memory":"","enable_gpu":false}
                """;

        FunctionDefinition fn = FdlReader.readOne(json);

        assertThat(fn.environment().variables()).containsEntry("A", "1");
        assertThat(fn.output().get(0).keyPrefix()).isEqualTo("out");
    }

    @Test
    void shouldWriteEnvironmentAsOscarDoes() throws Exception {
        FunctionDefinition fn = FdlReader.readOne("{name: a, image: b, script: c, environment: {variables: {X: y}}}");

        assertThat(Json.json().writeValueAsString(fn)).contains("\"environment\":{\"Variables\":{\"X\":\"y\"}}");
    }

    @Test
    void shouldNameEveryBrokenFieldWithItsRule() {
        String fdl = """
                functions:
                  oscar:
                  - c1:
                      name: Bad_Name
                      memory: 3 apples
                      cpu: '-1'
                      script: ''
                      timeout: 0
                      environment:
                        variables:
                          INPUT_FILE_PATH: /etc/passwd
                      input:
                      - storage_provider: ftp.x
                        path: in
                      output:
                      - storage_provider: minio
                        path: ../escape
                """;

        assertThatThrownBy(() -> FdlReader.read(fdl, null))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
                        .extracting(Violation::field)
                        .containsExactlyInAnyOrder(
                                "functions.oscar[0].c1.name",
                                "functions.oscar[0].c1.image",
                                "functions.oscar[0].c1.script",
                                "functions.oscar[0].c1.cpu",
                                "functions.oscar[0].c1.memory",
                                "functions.oscar[0].c1.timeout",
                                "functions.oscar[0].c1.environment.variables.INPUT_FILE_PATH",
                                "functions.oscar[0].c1.input[0].storage_provider",
                                "functions.oscar[0].c1.input[0].path",
                                "functions.oscar[0].c1.output[0].path"));
    }

    @Test
    void shouldRequireReferencedProvidersToBeDefinedAndComplete() {
        String fdl = """
                name: f
                image: i
                script: s
                input:
                - {storage_provider: minio.elsewhere, path: bucket/in}
                output:
                - {storage_provider: s3.aws, path: bucket/out}
                storage_providers:
                  s3:
                    aws: {access_key: a}
                """;

        assertThatThrownBy(() -> FdlReader.read(fdl, null))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
                        .containsExactlyInAnyOrder(
                                new Violation("input[0].storage_provider",
                                        "must name a provider defined under storage_providers.minio"),
                                new Violation("storage_providers.s3.aws.secret_key", "is required")));
    }

    @Test
    void shouldAcceptServiceIsolationAndRefuseUserIsolationItCannotGive() {
        FdlReader.readOne("{name: f, image: i, script: s, isolation_level: SERVICE}");

        assertThatThrownBy(() -> FdlReader.read("{name: f, image: i, script: s, isolation_level: USER}", null))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
                        .singleElement()
                        .satisfies(v -> {
                            assertThat(v.field()).isEqualTo("isolation_level");
                            assertThat(v.rule()).contains("not supported yet");
                        }));
        assertThatThrownBy(() -> FdlReader.read("{name: f, image: i, script: s, isolation_level: 7}", null))
                .isInstanceOf(ValidationException.class);
    }

    @Test
    void shouldNameTheFieldOfAWrongType() {
        assertThatThrownBy(() -> FdlReader.read("{name: f, image: i, script: s, input: [{path: {a: b}}]}", null))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
                        .singleElement()
                        .extracting(Violation::field)
                        .isEqualTo("input[0].path"));
    }

    @Test
    void shouldRejectADocumentThatIsNotYamlWithItsPosition() {
        assertThatThrownBy(() -> FdlReader.read("name: [unclosed", null))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
                        .singleElement()
                        .satisfies(v -> {
                            assertThat(v.field()).isEqualTo("(document)");
                            assertThat(v.rule()).startsWith("must be valid YAML or JSON (line");
                        }));
    }

    @Test
    void shouldRejectAMissingScriptFileAndDuplicateNames() {
        String fdl = """
                functions:
                  oscar:
                  - c: {name: f, image: i, script: nope.sh}
                  - c: {name: f, image: i, script: "echo"}
                """;

        assertThatThrownBy(() -> FdlReader.read(fdl, fixtureDir()))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
                        .extracting(Violation::field)
                        .containsExactlyInAnyOrder("functions.oscar[0].c.script", "name"));
    }

    @Test
    void shouldRedactSecretsButKeepTheInvocationToken() throws Exception {
        FunctionDefinition fn = FdlReader.read(fixture("everything.yaml"), fixtureDir())
                .get(0)
                .managedBy("alice", "tok", "0123456789abcdef", 1);

        String json = Json.json().writeValueAsString(fn.redacted());

        assertThat(json).doesNotContain("not-for-your-eyes", "secret-token", "very-secret")
                .contains("\"token\":\"tok\"", "AKIAEXAMPLE");
    }

    private static String fixture(String name) throws IOException, URISyntaxException {
        return Files.readString(fixtureDir().resolve(name));
    }

    private static Path fixtureDir() throws URISyntaxException {
        return Path.of(FdlReaderTest.class.getResource("/fdl/grayify.yaml").toURI()).getParent();
    }
}
