package io.emporium.edge.http;

import io.emporium.common.problem.ApiProblem;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Reads a JSON object body: wrong content type is 415, unreadable JSON is 400, no body is {}. */
public final class JsonBodies {
  private JsonBodies() {}

  public static JsonObject object(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().length() == 0) {
      return new JsonObject();
    }
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !isJson(type)) {
      throw ApiProblem.of(415, "Send the body as application/json.");
    }
    String text = ctx.body().asString();
    try {
      if (!text.stripLeading().startsWith("{")) {
        Json.decodeValue(text);
        throw ApiProblem.badRequest("The body must be a JSON object.");
      }
      return new JsonObject(text);
    } catch (DecodeException e) {
      throw ApiProblem.badRequest("The body is not valid JSON.");
    }
  }

  static boolean isJson(String contentType) {
    String mime = contentType.split(";", 2)[0].strip().toLowerCase();
    return mime.equals("application/json") || (mime.startsWith("application/") && mime.endsWith("+json"));
  }
}
