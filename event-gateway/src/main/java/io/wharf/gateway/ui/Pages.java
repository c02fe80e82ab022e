package io.wharf.gateway.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.qute.Engine;
import io.quarkus.qute.HtmlEscaper;
import io.quarkus.qute.ReflectionValueResolver;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateLocator;
import io.quarkus.qute.Variant;

/**
 * The web UI's pages: Qute templates under {@code templates/ui/}, every value HTML-escaped unless a template says
 * otherwise (none does). Qute's engine is used as a library, without the Quarkus extension (ADR 0017): templates are
 * read from the classpath, and a page that does not parse fails the first request that renders it, with its name.
 */
@ApplicationScoped
public class Pages {

    private static final String ROOT = "templates/ui/";
    private static final Variant HTML = Variant.forContentType(Variant.TEXT_HTML);

    private final Engine engine = Engine.builder()
            .addDefaults()
            .addValueResolver(new ReflectionValueResolver())
            .addResultMapper(new HtmlEscaper(List.of(Variant.TEXT_HTML)))
            .addLocator(Pages::locate)
            .strictRendering(true)
            .build();

    /** Renders {@code templates/ui/<name>.html} with the data given. */
    public String render(String name, Map<String, Object> data) {
        Template template = engine.getTemplate(name);
        if (template == null) {
            throw new IllegalStateException("no page template " + name);
        }
        return template.data(data).render();
    }

    private static Optional<TemplateLocator.TemplateLocation> locate(String id) {
        String resource = ROOT + id + ".html";
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader.getResource(resource) == null) {
            return Optional.empty();
        }
        return Optional.of(new TemplateLocator.TemplateLocation() {

            @Override
            public Reader read() {
                InputStream in = loader.getResourceAsStream(resource);
                if (in == null) {
                    throw new UncheckedIOException(new IOException("cannot read " + resource));
                }
                return new InputStreamReader(in, StandardCharsets.UTF_8);
            }

            @Override
            public Optional<Variant> getVariant() {
                return Optional.of(HTML);
            }
        });
    }
}
