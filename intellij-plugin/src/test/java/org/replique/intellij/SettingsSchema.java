package org.replique.intellij;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.util.List;

/** The template's {@code settings.schema.json}, loaded with the networknt JSON Schema validator. */
final class SettingsSchema {
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);

    private final Schema schema;

    private SettingsSchema(Schema schema) {
        this.schema = schema;
    }

    static SettingsSchema load() throws IOException {
        return new SettingsSchema(REGISTRY.getSchema(TemplateFolder.text("settings.schema.json"), InputFormat.JSON));
    }

    /** The validation errors of a JSON document, as messages; empty when it is valid. */
    List<String> errors(String json) {
        return schema.validate(json, InputFormat.JSON).stream().map(com.networknt.schema.Error::getMessage).toList();
    }

    /** The errors of the schema itself against the draft-07 meta-schema (bundled with the validator). */
    static List<String> metaSchemaErrors() throws IOException {
        Schema meta = REGISTRY.getSchema(SchemaLocation.of("http://json-schema.org/draft-07/schema#"));
        return meta.validate(TemplateFolder.text("settings.schema.json"), InputFormat.JSON).stream()
                .map(com.networknt.schema.Error::getMessage).toList();
    }
}
