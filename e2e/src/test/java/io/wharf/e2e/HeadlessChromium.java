package io.wharf.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's chromium, headless, driven through Debian's chromedriver: the browser of the web UI's tests. Missing, it
 * fails the test ({@code ./wharf test} installs both).
 */
final class HeadlessChromium {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private HeadlessChromium() {
    }

    /** Checked before anything is started, so that a missing browser is said first. */
    static void requireInstalled() {
        assertThat(CHROMIUM).as("chromium (Debian's package; ./wharf test installs it)").isExecutable();
        assertThat(CHROMEDRIVER).as("chromedriver (Debian's chromium-driver; ./wharf test installs it)")
                .isExecutable();
    }

    static ChromeDriver start() {
        requireInstalled();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // root in a container: no sandbox; a small /dev/shm: no shared memory
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", "--lang=en");
        return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build(), options);
    }
}
