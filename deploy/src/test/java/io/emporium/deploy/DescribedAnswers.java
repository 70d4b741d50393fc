package io.emporium.deploy;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks real answers against the OpenAPI document: the status is one the operation describes, the
 * media type one that response has, and a JSON body fits its schema with no field missing and none
 * the schema does not name.
 */
final class DescribedAnswers {
  private static final String BASE = "https://emporium.test/openapi.json";
  private final JsonObject document;
  private final SchemaRepository schemas;
  private final JsonSchemaOptions options =
      new JsonSchemaOptions()
          .setDraft(Draft.DRAFT202012)
          .setBaseUri(BASE)
          .setOutputFormat(OutputFormat.Basic);
  private final List<String> mismatches = new ArrayList<>();

  DescribedAnswers(JsonObject document) {
    this.document = document;
    // a copy: the repository writes its bookkeeping into the schemas it is given
    this.schemas =
        SchemaRepository.create(options).dereference(BASE, JsonSchema.of(document.copy()));
  }

  /** What did not match so far, one line each. */
  List<String> mismatches() {
    return mismatches;
  }

  /**
   * Checks one answer of the operation {@code method} on the document's {@code path} (e.g. {@code
   * /api/v1/orders/{id}}).
   */
  Api.Response check(String method, String path, Api.Response answer) {
    String operation = method.toUpperCase() + " " + path + " answered " + answer.status();
    String pointer = "/paths/" + escape(path) + "/" + method.toLowerCase() + "/responses";
    JsonObject responses = (JsonObject) at(pointer);
    if (responses == null) {
      mismatches.add(operation + ": the document has no such operation");
      return answer;
    }
    if (answer.status() >= 500) {
      // described as 5XX, but no step of the walk should ever get there
      mismatches.add(operation + ": the edge failed: " + answer);
      return answer;
    }
    String status = Integer.toString(answer.status());
    String key = responses.containsKey(status) ? status : status.charAt(0) + "XX";
    if (!responses.containsKey(key)) {
      mismatches.add(
          operation + ": a status the document does not describe (" + responses.fieldNames() + ")");
      return answer;
    }
    pointer = pointer + "/" + key;
    JsonObject response = responses.getJsonObject(key);
    if (response.containsKey("$ref")) {
      pointer = response.getString("$ref").substring(1);
      response = (JsonObject) at(pointer);
    }
    String type = answer.header("Content-Type");
    JsonObject content = response.getJsonObject("content");
    if (content == null) {
      if (answer.body() != null && answer.body().length() > 0) {
        mismatches.add(operation + ": a body where the document describes none");
      }
      return answer;
    }
    String mediaType = type == null ? "" : type.split(";", 2)[0].strip();
    if (content.containsKey("*/*") && !content.containsKey(mediaType)) {
      return answer;
    }
    if (!content.containsKey(mediaType)) {
      mismatches.add(
          operation + ": Content-Type " + type + ", the document says " + content.fieldNames());
      return answer;
    }
    if (!mediaType.endsWith("json")) {
      return answer;
    }
    String schemaPointer = pointer + "/content/" + escape(mediaType) + "/schema";
    Object body = Json.decodeValue(answer.body());
    OutputUnit result =
        schemas
            .validator(
                JsonSchema.of(
                    new JsonObject()
                        .put(
                            "$ref",
                            BASE + "#" + schemaPointer.replace("{", "%7B").replace("}", "%7D"))),
                options)
            .validate(body);
    if (!result.getValid()) {
      List<String> errors = new ArrayList<>();
      (result.getErrors() == null || result.getErrors().isEmpty()
              ? List.of(result)
              : result.getErrors())
          .forEach(e -> errors.add(e.getInstanceLocation() + " " + e.getError()));
      mismatches.add(
          operation
              + ": the body does not fit "
              + schemaPointer
              + ": "
              + errors
              + " in "
              + answer.body());
    }
    List<String> undescribed = new ArrayList<>();
    undescribedFields(body, (JsonObject) at(schemaPointer), "$", undescribed);
    if (!undescribed.isEmpty()) {
      mismatches.add(operation + ": fields the document does not name: " + undescribed);
    }
    return answer;
  }

  /**
   * Object fields no schema names, following {@code $ref}, {@code allOf}, {@code oneOf} and array
   * items.
   */
  private void undescribedFields(Object value, JsonObject schema, String at, List<String> out) {
    JsonObject s = resolve(schema);
    if (value instanceof JsonObject object) {
      Map<String, JsonObject> properties = new HashMap<>();
      List<JsonObject> additional = new ArrayList<>();
      collect(s, properties, additional);
      object.forEach(
          field -> {
            JsonObject described = properties.get(field.getKey());
            if (described != null) {
              undescribedFields(field.getValue(), described, at + "." + field.getKey(), out);
            } else if (!additional.isEmpty()) {
              undescribedFields(
                  field.getValue(), additional.get(0), at + "." + field.getKey(), out);
            } else if (!properties.isEmpty()) {
              out.add(at + "." + field.getKey());
            }
          });
    } else if (value instanceof JsonArray array
        && s.getValue("items") instanceof JsonObject items) {
      for (int i = 0; i < array.size(); i++) {
        undescribedFields(array.getValue(i), items, at + "[" + i + "]", out);
      }
    }
  }

  private void collect(
      JsonObject schema, Map<String, JsonObject> properties, List<JsonObject> additional) {
    JsonObject s = resolve(schema);
    JsonObject own = s.getJsonObject("properties", new JsonObject());
    own.forEach(p -> properties.put(p.getKey(), (JsonObject) p.getValue()));
    if (s.getValue("additionalProperties") instanceof JsonObject more) {
      additional.add(more);
    }
    for (String composition : List.of("allOf", "oneOf", "anyOf")) {
      s.getJsonArray(composition, new JsonArray())
          .forEach(member -> collect((JsonObject) member, properties, additional));
    }
  }

  private JsonObject resolve(JsonObject schema) {
    return schema.containsKey("$ref")
        ? (JsonObject) at(schema.getString("$ref").substring(1))
        : schema;
  }

  /** The value at a JSON pointer into the document, or null. */
  private Object at(String pointer) {
    Object here = document;
    for (String token : pointer.substring(1).split("/")) {
      if (!(here instanceof JsonObject object)) {
        return null;
      }
      here = object.getValue(token.replace("~1", "/").replace("~0", "~"));
    }
    return here;
  }

  private static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }
}
