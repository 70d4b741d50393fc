package io.emporium.edge.http;

import io.emporium.common.problem.ApiProblem;
import io.emporium.common.problem.StorableText;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * Reads a JSON object body: none where one is required is 400, wrong content type 415, unreadable
 * JSON 400, text that cannot be stored 422 naming its field.
 */
public final class JsonBodies {
  private JsonBodies() {}

  /** A body the operation requires. */
  public static JsonObject object(RoutingContext ctx) {
    if (absent(ctx)) {
      throw ApiProblem.badRequest("A JSON body is required.");
    }
    return parse(ctx);
  }

  /** A body the operation may go without: none, with or without a Content-Type, reads as {}. */
  public static JsonObject optionalObject(RoutingContext ctx) {
    return absent(ctx) ? new JsonObject() : parse(ctx);
  }

  private static boolean absent(RoutingContext ctx) {
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    return body == null || body.length() == 0;
  }

  private static JsonObject parse(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !isJson(type)) {
      throw ApiProblem.of(415, "Send the body as application/json.");
    }
    String text = ctx.body().asString();
    JsonObject body;
    try {
      if (!text.stripLeading().startsWith("{")) {
        Json.decodeValue(text);
        throw ApiProblem.badRequest("The body must be a JSON object.");
      }
      body = new JsonObject(text);
    } catch (DecodeException e) {
      throw ApiProblem.badRequest("The body is not valid JSON.");
    }
    StorableText.require(StorableText.inJson(body));
    return body;
  }

  public static boolean isJson(String contentType) {
    String mime = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    return mime.equals("application/json")
        || (mime.startsWith("application/") && mime.endsWith("+json"));
  }
}
