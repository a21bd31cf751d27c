package com.custarea.app.widget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.app.support.DashboardIntegrationTest;
import com.custarea.app.support.JsonClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.SearchContext;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The widget in a real browser (Debian's headless Chromium through Selenium): the /demo page's launcher opens the
 * panel, a message gets its reply, a reload shows the history, a message written offline is sent once when the
 * network is back, and markup in messages and replies is shown as text. Screenshots go to target/widget-browser.
 * Skipped where Chromium is not installed, unless CUSTAREA_REQUIRE_BROWSER=1 (as .ci/run sets it), where that fails
 * the test.
 */
class BrowserWidgetIT extends DashboardIntegrationTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "widget-browser");

    private ChromeDriver browser;
    private Path profile;

    @BeforeEach
    void startBrowser() throws IOException {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!installed && "1".equals(System.getenv("CUSTAREA_REQUIRE_BROWSER"))) {
            fail("CUSTAREA_REQUIRE_BROWSER=1 but " + CHROMIUM + " or " + CHROMEDRIVER + " is missing: "
                    + "apt-get install chromium chromium-driver");
        }
        Assumptions.assumeTrue(installed, "Chromium is not installed (apt-get install chromium chromium-driver): "
                + "the widget's browser test is skipped");
        profile = Files.createTempDirectory("custarea-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // no background traffic: this machine's network is closed, and Chromium's own calls only slow it down
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,900", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterEach
    void stopBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void aVisitorChatsOnTheDemoPageSeesTheReplyAndFindsTheHistoryAfterAReload() throws IOException {
        UUID key = widget();
        browser.get("http://127.0.0.1:" + port + "/demo?key=" + key);

        WebElement launcher = shadow().findElement(By.cssSelector(".ca-launcher"));
        assertThat(launcher.getAttribute("aria-label")).isEqualTo("Open chat");
        launcher.click();
        WebElement input = until(() -> visible(shadow().findElement(By.cssSelector(".ca-input"))));
        assertThat(activeElementClass()).as("opening the panel focuses the message box").contains("ca-input");

        input.sendKeys("Where is my order?");
        input.sendKeys(Keys.ENTER);
        until(() -> texts(".ca-out .ca-text").contains("Echo: Where is my order?"));
        until(() -> texts(".ca-in .ca-status").equals(List.of("Delivered")));
        screenshot("chat.png");

        browser.navigate().refresh();
        // the panel was open: it opens again, with the conversation read back from the server
        until(() -> texts(".ca-text").containsAll(List.of("Where is my order?", "Echo: Where is my order?")));
        assertThat(texts(".ca-in .ca-text")).containsExactly("Where is my order?");
        screenshot("after-reload.png");

        shadow().findElement(By.cssSelector(".ca-input")).sendKeys(Keys.ESCAPE);
        until(() -> !shadow().findElement(By.cssSelector(".ca-panel")).isDisplayed());
        assertThat(activeElementClass()).as("closing returns the focus to the launcher").contains("ca-launcher");
    }

    @Test
    void aMessageWrittenOfflineIsSentOnceWhenTheNetworkIsBack() throws IOException {
        UUID key = widget();
        browser.get("http://127.0.0.1:" + port + "/demo?key=" + key);
        shadow().findElement(By.cssSelector(".ca-launcher")).click();
        WebElement input = until(() -> visible(shadow().findElement(By.cssSelector(".ca-input"))));

        ChromiumNetworkConditions offline = new ChromiumNetworkConditions();
        offline.setOffline(true);
        browser.setNetworkConditions(offline);
        input.sendKeys("Sent while offline");
        input.sendKeys(Keys.ENTER);
        until(() -> texts(".ca-in .ca-status").equals(List.of("Sending\u2026")));
        screenshot("offline.png");

        browser.deleteNetworkConditions();
        until(() -> texts(".ca-out .ca-text").contains("Echo: Sent while offline"));
        until(() -> texts(".ca-in .ca-status").equals(List.of("Delivered")));
        assertThat(texts(".ca-in .ca-text")).containsExactly("Sent while offline");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM messages WHERE channel_id = :c AND text = :t",
                Map.of("c", key, "t", "Sent while offline"), Integer.class)).isEqualTo(1);

        // a phone's width: the panel takes the whole viewport (the page's width, without its scrollbar)
        browser.manage().window().setSize(new Dimension(390, 844));
        until(() -> {
            long viewport = ((Number) ((JavascriptExecutor) browser).executeScript(
                    "return document.documentElement.clientWidth;")).longValue();
            return viewport < 400 && shadow().findElement(By.cssSelector(".ca-panel")).getRect().getWidth()
                    >= viewport;
        });
        screenshot("mobile.png");
    }

    @Test
    void markupInAMessageOrAReplyIsShownAsText() throws IOException {
        UUID key = widget();
        browser.get("http://127.0.0.1:" + port + "/demo?key=" + key);
        shadow().findElement(By.cssSelector(".ca-launcher")).click();
        WebElement input = until(() -> visible(shadow().findElement(By.cssSelector(".ca-input"))));
        String markup = "<img src=x onerror=\"window.__widgetXss = 1\"> <b>bold?</b>";

        input.sendKeys(markup);
        input.sendKeys(Keys.ENTER);
        // the echo engine's reply carries the same markup back
        until(() -> texts(".ca-out .ca-text").contains("Echo: " + markup));
        assertThat(texts(".ca-in .ca-text")).containsExactly(markup);
        assertThat(shadow().findElements(By.cssSelector(".ca-panel img, .ca-panel b"))).isEmpty();
        assertThat(((JavascriptExecutor) browser).executeScript("return window.__widgetXss === undefined;"))
                .isEqualTo(true);
        screenshot("markup-as-text.png");
    }

    @Test
    void anAgentTypingShowsTypingInThePanelUntilTheReplyArrives() throws IOException {
        Session admin = registerTenant();
        UUID key = widget(admin, false);
        browser.get("http://127.0.0.1:" + port + "/demo?key=" + key);
        shadow().findElement(By.cssSelector(".ca-launcher")).click();
        WebElement input = until(() -> visible(shadow().findElement(By.cssSelector(".ca-input"))));
        input.sendKeys("Is anyone there?");
        input.sendKeys(Keys.ENTER);
        until(() -> texts(".ca-in .ca-status").equals(List.of("Delivered")));
        assertThat(shadow().findElement(By.cssSelector(".ca-typing")).isDisplayed())
                .as("nobody types yet, however long the visitor waits").isFalse();
        UUID conversation = jdbc.queryForObject("SELECT conversation_id FROM messages WHERE channel_id = :c",
                Map.of("c", key), UUID.class);

        assertThat(api.post("/api/conversations/" + conversation + "/typing", admin.accessToken(),
                "{\"typing\":true}").status()).isEqualTo(204);
        until(() -> shadow().findElement(By.cssSelector(".ca-typing")).isDisplayed());
        screenshot("typing.png");
        assertThat(api.post("/api/messages", admin.accessToken(), json(Map.of("conversationId", conversation,
                "text", "Yes, how can I help?"))).status()).isEqualTo(201);
        until(() -> texts(".ca-out .ca-text").contains("Yes, how can I help?"));
        assertThat(shadow().findElement(By.cssSelector(".ca-typing")).isDisplayed()).as("the reply ends typing")
                .isFalse();
    }

    private UUID widget() {
        return widget(registerTenant(), true);
    }

    private UUID widget(Session admin, boolean aiAgent) {
        JsonClient.Answer created = api.post("/api/channels", admin.accessToken(), json(Map.of("type", "widget",
                "name", "Website", "settings", Map.of("allowedDomains", "127.0.0.1,localhost"),
                "aiAgentEnabled", aiAgent)));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        return UUID.fromString(created.json().get("channel").get("id").asText());
    }

    private SearchContext shadow() {
        return until(() -> browser.findElement(By.id("custarea-widget")).getShadowRoot());
    }

    private List<String> texts(String selector) {
        return shadow().findElements(By.cssSelector(selector)).stream().map(WebElement::getText).toList();
    }

    private String activeElementClass() {
        Object value = ((JavascriptExecutor) browser).executeScript("var active = document.getElementById("
                + "'custarea-widget').shadowRoot.activeElement; return active ? active.className : '';");
        return String.valueOf(value);
    }

    private static WebElement visible(WebElement element) {
        return element.isDisplayed() ? element : null;
    }

    private <T> T until(java.util.function.Supplier<T> condition) {
        return new WebDriverWait(browser, Duration.ofSeconds(45)).ignoring(RuntimeException.class)
                .until(driver -> {
                    T value = condition.get();
                    return Boolean.FALSE.equals(value) ? null : value;
                });
    }

    private void screenshot(String name) throws IOException {
        File shot = browser.getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
