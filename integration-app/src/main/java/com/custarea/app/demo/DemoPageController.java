package com.custarea.app.demo;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.support.ProblemException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * GET /demo: a small shop page that embeds the chat widget with one script tag, the demo tenant's widget by default
 * or any widget named by {@code ?key=} (whose own allowed domains still decide whether it may run here).
 */
@RestController
public class DemoPageController {

    public static final String PATH = "/demo";

    private final ObjectProvider<DemoTenantBootstrap> demo;

    public DemoPageController(ObjectProvider<DemoTenantBootstrap> demo) {
        this.demo = demo;
    }

    @GetMapping(path = PATH)
    public ResponseEntity<String> page(@RequestParam(value = "key", required = false) String key) {
        UUID widgetKey = Optional.ofNullable(key).map(DemoPageController::widgetKey)
                .or(() -> Optional.ofNullable(demo.getIfAvailable()).flatMap(DemoTenantBootstrap::demoTenant)
                        .map(DemoTenant::widgetKey))
                .orElseThrow(() -> ProblemException.notFound("No demo widget here: start with the demo enabled "
                        + "(CUSTAREA_DEMO_ENABLED=true) or name a widget with ?key="));
        return ResponseEntity.ok().contentType(MediaType.TEXT_HTML).header("Cache-Control", "no-store")
                .body(html(widgetKey));
    }

    private static UUID widgetKey(String key) {
        try {
            return UUID.fromString(key);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("The widget key is a UUID", List.of());
        }
    }

    /** The page; the key is a UUID, so it goes into the markup as it is. */
    private static String html(UUID widgetKey) {
        return """
                <!doctype html>
                <html lang="en">
                <head>
                  <meta charset="utf-8">
                  <meta name="viewport" content="width=device-width, initial-scale=1">
                  <title>Demo shop: CustArea chat widget</title>
                  <style>
                    body { font: 16px/1.5 Georgia, serif; margin: 0; color: #222; background: #fbfaf7; }
                    header { background: #2d3b2d; color: #fff; padding: 24px 32px; }
                    main { max-width: 720px; margin: 0 auto; padding: 24px 32px 120px; }
                    /* the host page's own button styles: the widget's Shadow DOM keeps them out */
                    button { background: hotpink; border: 4px dashed yellow; font-size: 20px; }
                    code { background: #eee; padding: 1px 4px; }
                    pre { overflow-x: auto; }
                  </style>
                </head>
                <body>
                  <header><h1>Demo shop</h1><p>Handmade mugs, shipped worldwide.</p></header>
                  <main>
                    <h2>Questions?</h2>
                    <p>The chat bubble in the corner is CustArea's widget, embedded with one tag:</p>
                    <pre><code>&lt;script src="/widget.js" data-widget-key="%1$s" defer&gt;&lt;/script&gt;</code></pre>
                    <p>Ask it <em>"Where is my order?"</em> or <em>"How do I return a mug?"</em>: the demo tenant's
                       AI agent answers from its help centre, and hands anything else to a human.</p>
                    <p>The JavaScript API:
                      <button type="button" onclick="CustArea.open()">CustArea.open()</button>
                      <button type="button" onclick="CustArea.setCustomAttributes({plan: 'demo'})">
                        CustArea.setCustomAttributes({plan: 'demo'})</button>
                      <button type="button" onclick="CustArea.reset()">CustArea.reset()</button>
                    </p>
                  </main>
                  <script src="/widget.js" data-widget-key="%1$s" defer></script>
                </body>
                </html>
                """.formatted(widgetKey);
    }
}
