package io.emporium.paypal.emulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * An error as PayPal's REST APIs answer it: {@code {name, message, debug_id, details:[{field,
 * value, location, issue, description}], links:[information_link]}} with PayPal's status (400
 * {@code INVALID_REQUEST}, 404 {@code RESOURCE_NOT_FOUND}, 422 {@code UNPROCESSABLE_ENTITY}, ...).
 */
final class PayPalError extends RuntimeException {
  private static final String INVALID_REQUEST_MESSAGE =
      "Request is not well-formed, syntactically incorrect, or violates schema.";
  private static final String UNPROCESSABLE_MESSAGE =
      "The requested action could not be performed, semantically incorrect, or failed business validation.";

  private final int status;
  private final String name;
  private final JsonArray details;
  private final JsonArray links;

  private PayPalError(int status, String name, String message, JsonArray details, JsonArray links) {
    super(message, null, false, false);
    this.status = status;
    this.name = name;
    this.details = details;
    this.links = links;
  }

  private static JsonObject detail(
      String field, String value, String location, String issue, String description) {
    JsonObject detail = new JsonObject();
    if (field != null) {
      detail.put("field", field);
    }
    if (value != null) {
      detail.put("value", value);
    }
    if (location != null) {
      detail.put("location", location);
    }
    return detail.put("issue", issue).put("description", description);
  }

  private static JsonArray infoLink(String api, String issue) {
    return new JsonArray()
        .add(
            new JsonObject()
                .put("href", "https://developer.paypal.com/docs/api/" + api + "/#error-" + issue)
                .put("rel", "information_link")
                .put("method", "GET"));
  }

  /** 400 {@code INVALID_REQUEST}, issue {@code MISSING_REQUIRED_PARAMETER}. */
  static PayPalError missing(String field) {
    return new PayPalError(
        400,
        "INVALID_REQUEST",
        INVALID_REQUEST_MESSAGE,
        new JsonArray()
            .add(
                detail(
                    field,
                    null,
                    "body",
                    "MISSING_REQUIRED_PARAMETER",
                    "A required field / parameter is missing.")),
        infoLink("orders/v2", "MISSING_REQUIRED_PARAMETER"));
  }

  /** 400 {@code INVALID_REQUEST} for a field with a bad value or syntax. */
  static PayPalError invalidValue(String field, String value, String issue) {
    return new PayPalError(
        400,
        "INVALID_REQUEST",
        INVALID_REQUEST_MESSAGE,
        new JsonArray()
            .add(
                detail(
                    field,
                    value,
                    "body",
                    issue,
                    issue.equals("INVALID_PARAMETER_SYNTAX")
                        ? "The value of a field does not conform to the expected format."
                        : "The value of a field is invalid.")),
        infoLink("orders/v2", issue));
  }

  /** 400 {@code INVALID_REQUEST}, issue {@code MALFORMED_REQUEST_JSON}. */
  static PayPalError malformedJson() {
    return new PayPalError(
        400,
        "INVALID_REQUEST",
        INVALID_REQUEST_MESSAGE,
        new JsonArray()
            .add(
                detail(
                    null,
                    null,
                    "body",
                    "MALFORMED_REQUEST_JSON",
                    "The request JSON is not well formed.")),
        infoLink("orders/v2", "MALFORMED_REQUEST_JSON"));
  }

  /** 422 {@code UNPROCESSABLE_ENTITY} with one issue, about a field of the body or none. */
  static PayPalError unprocessable(String issue, String description, String field, String value) {
    return unprocessable(issue, description, field, value, "orders/v2", new JsonArray());
  }

  static PayPalError unprocessable(
      String issue,
      String description,
      String field,
      String value,
      String api,
      JsonArray extraLinks) {
    JsonArray links = infoLink(api, issue);
    extraLinks.forEach(links::add);
    return new PayPalError(
        422,
        "UNPROCESSABLE_ENTITY",
        UNPROCESSABLE_MESSAGE,
        new JsonArray()
            .add(detail(field, value, field == null ? null : "body", issue, description)),
        links);
  }

  /** 404 {@code RESOURCE_NOT_FOUND}, issue {@code INVALID_RESOURCE_ID}. */
  static PayPalError notFound(String field, String id, String api) {
    return new PayPalError(
        404,
        "RESOURCE_NOT_FOUND",
        "The specified resource does not exist.",
        new JsonArray()
            .add(
                detail(
                    field,
                    id,
                    "path",
                    "INVALID_RESOURCE_ID",
                    "Specified resource ID does not exist. Please check the resource ID and try again.")),
        infoLink(api, "INVALID_RESOURCE_ID"));
  }

  /** 404 for a path the emulator does not serve. */
  static PayPalError noSuchPath(String method, String path) {
    return new PayPalError(
        404,
        "NOT_FOUND",
        "The PayPal emulator does not serve " + method + " " + path + ".",
        new JsonArray(),
        new JsonArray());
  }

  /** 415 for a body that is not JSON. */
  static PayPalError unsupportedMediaType(String contentType) {
    return new PayPalError(
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        "The server does not support the request payload's media type.",
        new JsonArray()
            .add(
                detail(
                    null,
                    contentType,
                    "header",
                    "UNSUPPORTED_MEDIA_TYPE",
                    "The API does not support this media type; send application/json.")),
        new JsonArray());
  }

  /** The v1 notifications API's validation error. */
  static PayPalError validation(String field, String issue) {
    return new PayPalError(
        400,
        "VALIDATION_ERROR",
        "Invalid request - see details",
        new JsonArray().add(new JsonObject().put("field", field).put("issue", issue)),
        infoLink("webhooks/v1", "VALIDATION_ERROR"));
  }

  int status() {
    return status;
  }

  /** The first detail's issue, such as {@code ORDER_NOT_APPROVED}. */
  String issue() {
    return details.isEmpty() ? name : details.getJsonObject(0).getString("issue");
  }

  JsonObject toJson(String debugId) {
    JsonObject body = new JsonObject().put("name", name);
    if (!details.isEmpty()) {
      body.put("details", details.copy());
    }
    body.put("message", getMessage()).put("debug_id", debugId);
    if (!links.isEmpty()) {
      body.put("links", links.copy());
    }
    return body;
  }
}
