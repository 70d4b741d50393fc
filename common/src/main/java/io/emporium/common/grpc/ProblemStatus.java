package io.emporium.common.grpc;

import io.emporium.common.problem.ApiProblem;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Carries an {@link ApiProblem} across gRPC: a status that fits plus trailers with the details. */
final class ProblemStatus {
  private static final String STATUS = "x-problem-status";
  private static final String DETAIL = "x-problem-detail";
  private static final String ERRORS = "x-problem-errors";
  private static final String RETRY_AFTER = "x-problem-retry-after";
  private static final int MAX_TEXT = 300;
  private static final int MAX_ERRORS_BYTES = 4096;

  private ProblemStatus() {}

  /**
   * Trailers travel in one HTTP/2 header block, which the peer refuses past its limit (8 KiB by
   * default): text that echoes a client's input (a 10 000-character id) is cut so the problem still
   * arrives.
   */
  static String bounded(String text) {
    return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "…";
  }

  static GrpcStatus grpcStatus(int httpStatus) {
    return switch (httpStatus) {
      case 400, 422 -> GrpcStatus.INVALID_ARGUMENT;
      case 401 -> GrpcStatus.UNAUTHENTICATED;
      case 403 -> GrpcStatus.PERMISSION_DENIED;
      case 404 -> GrpcStatus.NOT_FOUND;
      case 409 -> GrpcStatus.FAILED_PRECONDITION;
      case 429 -> GrpcStatus.RESOURCE_EXHAUSTED;
      case 503 -> GrpcStatus.UNAVAILABLE;
      case 504 -> GrpcStatus.DEADLINE_EXCEEDED;
      default -> GrpcStatus.INTERNAL;
    };
  }

  static void write(ApiProblem problem, MultiMap trailers) {
    trailers.set(STATUS, Integer.toString(problem.status()));
    trailers.set(DETAIL, encode(bounded(problem.detail())));
    if (!problem.errors().isEmpty()) {
      JsonArray errors = new JsonArray();
      for (ApiProblem.FieldError e : problem.errors()) {
        JsonObject error =
            new JsonObject().put("field", bounded(e.field())).put("message", bounded(e.message()));
        if (encode(errors.encode()).length() + encode(error.encode()).length() > MAX_ERRORS_BYTES) {
          break;
        }
        errors.add(error);
      }
      trailers.set(ERRORS, encode(errors.encode()));
    }
    if (problem.retryAfterSeconds() != null) {
      trailers.set(RETRY_AFTER, problem.retryAfterSeconds().toString());
    }
  }

  /** The problem a failed call stands for, or null when the peer sent no problem trailers. */
  static ApiProblem read(MultiMap trailers) {
    String status = trailers.get(STATUS);
    if (status == null) {
      return null;
    }
    List<ApiProblem.FieldError> errors = new ArrayList<>();
    String rawErrors = trailers.get(ERRORS);
    if (rawErrors != null) {
      new JsonArray(decode(rawErrors))
          .forEach(
              o -> {
                JsonObject e = (JsonObject) o;
                errors.add(new ApiProblem.FieldError(e.getString("field"), e.getString("message")));
              });
    }
    String retry = trailers.get(RETRY_AFTER);
    int code = Integer.parseInt(status);
    return new ApiProblem(
        code,
        ApiProblem.titleFor(code),
        decode(trailers.get(DETAIL)),
        errors,
        retry == null ? null : Long.parseLong(retry));
  }

  private static String encode(String s) {
    return s == null ? "" : URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String decode(String s) {
    return s == null ? "" : URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
