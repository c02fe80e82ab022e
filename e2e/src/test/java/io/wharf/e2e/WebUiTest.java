package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.wharf.contracts.Json;
import io.wharf.testing.Platform;

/**
 * The web UI in a real browser (Debian's headless chromium, driven by chromedriver) against the platform as
 * {@code ./wharf up} runs it: log in, a validation error beside its field, a function created from the form, three
 * files uploaded from the page and processed in containers, an output downloaded, and another user's function
 * invisible. Screenshots of the main pages go to {@code target/ui-screenshots/}, and to the folder the system
 * property {@code wharf.ui.screenshots} names (e.g. {@code ../docs/ui}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebUiTest {

    private static final String OTHER = "other";
    private static final String OTHER_PASSWORD = "e2e-other-password";
    private static final String FN = "ui-upper";
    private static final List<String> FILES = List.of("alpha.txt", "beta.txt", "gamma.txt");

    @TempDir
    static Path dir;

    private Platform platform;
    private ChromeDriver browser;
    private WebDriverWait wait;

    @BeforeAll
    void start() {
        HeadlessChromium.requireInstalled();
        platform = Platform.start(dir, Map.of("wharf.dispatcher.executor", "container"),
                Map.of("wharf.gateway.users." + OTHER, OTHER_PASSWORD));
        browser = HeadlessChromium.start();
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    @Order(1)
    void shouldLogInWithTheSameUserAsTheApi() {
        browser.get(platform.url() + "/ui/functions");
        wait.until(ExpectedConditions.urlContains("/ui/login"));
        screenshot("login");

        logIn(Platform.USER, "not-the-password");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-error")));

        logIn(Platform.USER, Platform.PASSWORD);
        wait.until(ExpectedConditions.urlContains("/ui/functions"));
        assertThat(browser.findElement(By.id("current-user")).getText()).isEqualTo(Platform.USER);
        assertThat(browser.findElement(By.id("no-functions")).getText()).contains("no functions yet");
    }

    @Test
    @Order(2)
    void shouldShowABadMemoryValueBesideTheMemoryField() {
        browser.get(platform.url() + "/ui/functions/new");
        fillFunctionForm("ui-bad-memory", "lots");
        browser.findElement(By.id("save")).click();

        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("memory-error")));
        assertThat(error.getText()).contains("must be a quantity");
        assertThat(browser.findElements(By.cssSelector("#field-memory #memory-error"))).hasSize(1);
        assertThat(browser.findElement(By.id("memory")).getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.findElement(By.id("memory")).getAttribute("value")).isEqualTo("lots");
        assertThat(browser.findElements(By.cssSelector(".error"))).hasSize(1);
        assertThat(browser.findElement(By.id("form-errors")).getText()).contains("Memory: must be a quantity");
        browser.executeScript("arguments[0].scrollIntoView({block: 'center'})", error);
        screenshot("validation-error");
        assertThat(platform.get("/system/services/ui-bad-memory").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(3)
    void shouldProcessThreeFilesUploadedFromTheFunctionsPage() throws IOException {
        browser.get(platform.url() + "/ui/functions/new");
        fillFunctionForm(FN, "64Mi");
        browser.findElement(By.id("save")).click();
        wait.until(ExpectedConditions.textToBe(By.id("function-name"), FN));

        List<String> paths = new ArrayList<>();
        for (String name : FILES) {
            Path file = dir.resolve(name);
            Files.writeString(file, "hello from " + name + "\n");
            paths.add(file.toString());
        }
        browser.findElement(By.id("files-0")).sendKeys(String.join("\n", paths));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#upload-0 .upload-status"),
                "3 uploaded"));
        assertThat(browser.findElements(By.cssSelector("#upload-0 .uploads li.done progress"))).hasSize(3);
        screenshot("uploads");

        browser.get(platform.url() + "/ui/functions/" + FN + "/executions");
        new WebDriverWait(browser, Duration.ofMinutes(3), Duration.ofSeconds(1)).until(page -> {
            page.navigate().refresh();
            return page.findElements(By.cssSelector("tr[data-status=Succeeded]")).size() == FILES.size();
        });
        for (WebElement row : browser.findElements(By.cssSelector("#executions tbody tr"))) {
            List<WebElement> cells = row.findElements(By.tagName("td"));
            assertThat(cells.get(5).getText()).as("attempt").isEqualTo("1");
            assertThat(cells.get(6).getText()).as("exit code").isEqualTo("0");
            assertThat(row.findElements(By.cssSelector("a.output"))).hasSize(1);
        }
        assertThat(browser.findElement(By.cssSelector("[data-count=Succeeded]")).getText()).isEqualTo("3");
        screenshot("executions");

        new Select(browser.findElement(By.id("status"))).selectByValue("Failed");
        browser.findElement(By.id("filter")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("no-executions")));
        new Select(browser.findElement(By.id("status"))).selectByValue("Succeeded");
        browser.findElement(By.id("filter")).click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("tr[data-status=Succeeded]"), 3));

        browser.findElement(By.cssSelector("#executions tbody tr td a")).click();
        wait.until(ExpectedConditions.attributeToBe(By.id("execution-state"), "class", "status succeeded"));
        assertThat(browser.findElement(By.id("log")).getText()).contains("succeeded");

        browser.get(platform.url() + "/ui/functions/" + FN);
        List<WebElement> outputs = browser.findElements(By.cssSelector("table[data-kind=output] a[data-key]"));
        assertThat(outputs).extracting(a -> a.getAttribute("data-key"))
                .containsExactlyInAnyOrder("out/alpha.txt.upper", "out/beta.txt.upper", "out/gamma.txt.upper");
        assertThat(browser.findElements(By.cssSelector("table[data-kind=input] a[data-key]"))).hasSize(3);
        screenshot("function");
        browser.manage().window().setSize(new Dimension(390, 844));
        screenshot("function-phone");
        browser.manage().window().setSize(new Dimension(1280, 900));

        String href = browser.findElement(By.cssSelector("a[data-key='out/beta.txt.upper']")).getAttribute("href");
        HttpResponse<String> download = platform.send(HttpRequest.newBuilder(URI.create(href))
                .header("Cookie", "wharf-session=" + browser.manage().getCookieNamed("wharf-session").getValue())
                .GET()
                .build());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo("HELLO FROM BETA.TXT\n");
        assertThat(download.headers().firstValue("Content-Disposition")).hasValueSatisfying(
                v -> assertThat(v).startsWith("attachment"));
    }

    @Test
    @Order(4)
    void shouldNotShowAnotherUsersFunction() {
        String basic = "Basic " + Base64.getEncoder()
                .encodeToString((OTHER + ":" + OTHER_PASSWORD).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> created = platform.send(HttpRequest.newBuilder(URI.create(platform.url()
                + "/system/services"))
                .header("Authorization", basic)
                .header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        name: ui-others
                        image: localhost/wharf-busybox:1
                        script: cat "$INPUT_FILE_PATH"
                        input:
                        - {storage_provider: minio, path: ui-others/in}
                        output:
                        - {storage_provider: minio, path: ui-others/out}
                        """))
                .build());
        assertThat(created.statusCode()).isEqualTo(201);

        browser.get(platform.url() + "/ui/functions");
        assertThat(browser.findElements(By.cssSelector("tr[data-function='" + FN + "']"))).hasSize(1);
        assertThat(browser.findElements(By.cssSelector("tr[data-function='ui-others']"))).isEmpty();
        assertThat(browser.getPageSource()).doesNotContain("ui-others");
        screenshot("functions");

        for (String path : List.of("/ui/functions/ui-others", "/ui/functions/ui-others/executions",
                "/ui/functions/ui-others/edit", "/ui/files/ui-others/in/x.txt")) {
            browser.get(platform.url() + path);
            assertThat(browser.findElement(By.tagName("h1")).getText()).as(path).isEqualTo("Not Found");
        }
        assertThat(browser.findElement(By.id("problem-detail")).getText()).contains("no bucket named");
    }

    /** The log of a running execution is shown as it grows, not only once the execution ended. */
    @Test
    @Order(5)
    void shouldFollowTheLogOfARunningExecution() throws IOException {
        assertThat(platform.post("/system/services", "application/yaml", """
                name: ui-slow
                image: localhost/wharf-busybox:1
                script: |
                  echo first-line
                  sleep 20
                  echo last-line
                """).statusCode()).isEqualTo(201);
        HttpResponse<String> invoked = platform.post("/job/ui-slow", "text/plain", "x");
        assertThat(invoked.statusCode()).isEqualTo(201);
        String id = Json.json().readTree(invoked.body()).path("executionId").asText();

        browser.get(platform.url() + "/ui/functions/ui-slow/executions/" + id);
        new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(200))
                .until(page -> page.findElement(By.id("log")).getText().contains("first-line"));
        // still running: the line the script writes last is not there yet
        assertThat(browser.findElement(By.id("execution-state")).getText()).isEqualToIgnoringCase("running");
        assertThat(browser.findElement(By.id("log")).getText()).doesNotContain("last-line");
        screenshot("live-log");
    }

    @Test
    @Order(6)
    void shouldShowThePlatformsStatusAndNoDeadLetters() {
        browser.get(platform.url() + "/ui/status");
        // the dispatcher reports its capacity every 15 s
        new WebDriverWait(browser, Duration.ofSeconds(40), Duration.ofSeconds(1)).until(page -> {
            page.navigate().refresh();
            return page.findElement(By.id("main")).getText().contains("container");
        });
        assertThat(browser.findElement(By.id("main")).getText()).contains("free CPU", "Dispatchers");
        screenshot("status");

        browser.get(platform.url() + "/ui/dead-letters");
        assertThat(browser.findElement(By.id("no-dead-letters")).isDisplayed()).isTrue();
    }

    @Test
    @Order(7)
    void shouldLogOut() {
        browser.get(platform.url() + "/ui/functions");
        browser.findElement(By.cssSelector("form.logout button")).click();
        wait.until(ExpectedConditions.urlContains("/ui/login"));

        browser.get(platform.url() + "/ui/functions");
        wait.until(ExpectedConditions.urlContains("/ui/login"));
        assertThat(browser.findElements(By.id("current-user"))).isEmpty();
    }

    private void logIn(String user, String password) {
        WebElement name = wait.until(ExpectedConditions.elementToBeClickable(By.id("username")));
        name.clear();
        name.sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("login")).click();
    }

    private void fillFunctionForm(String name, String memory) {
        browser.findElement(By.id("name")).sendKeys(name);
        browser.findElement(By.id("image")).sendKeys("localhost/wharf-busybox:1");
        WebElement script = browser.findElement(By.id("script"));
        script.clear();
        script.sendKeys(
                "tr a-z A-Z < \"$INPUT_FILE_PATH\" > \"$TMP_OUTPUT_DIR/$(basename \"$INPUT_FILE_PATH\").upper\"");
        browser.findElement(By.id("input")).sendKeys(name + "/in");
        browser.findElement(By.id("output")).sendKeys(name + "/out");
        browser.findElement(By.cssSelector("#more-options summary")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("memory"))).sendKeys(memory);
        browser.findElement(By.id("cpu")).sendKeys("0.5");
        browser.findElement(By.id("timeout")).sendKeys("60");
    }

    private void screenshot(String name) {
        byte[] png = browser.getScreenshotAs(OutputType.BYTES);
        List<Path> folders = new ArrayList<>(List.of(Path.of("target", "ui-screenshots")));
        String extra = System.getProperty("wharf.ui.screenshots");
        if (extra != null && !extra.isBlank()) {
            folders.add(Path.of(extra));
        }
        try {
            for (Path folder : folders) {
                Files.createDirectories(folder);
                Files.write(folder.resolve(name + ".png"), png);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
