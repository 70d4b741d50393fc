package io.emporium.common.grpc;

import io.vertx.core.MultiMap;

/**
 * Who is calling and for which request, carried in gRPC metadata from the edge to a service.
 * The gRPC ports are internal: services trust what the edge put here.
 */
public record CallContext(String requestId, String userId, String role) {

  static final String REQUEST_ID = "x-request-id";
  static final String CALLER_ID = "x-caller-id";
  static final String CALLER_ROLE = "x-caller-role";

  public static CallContext anonymous(String requestId) {
    return new CallContext(requestId, null, null);
  }

  public boolean authenticated() {
    return userId != null;
  }

  public boolean isAdmin() {
    return "admin".equals(role);
  }

  void writeTo(MultiMap metadata) {
    if (requestId != null) {
      metadata.set(REQUEST_ID, requestId);
    }
    if (userId != null) {
      metadata.set(CALLER_ID, userId);
      metadata.set(CALLER_ROLE, role);
    }
  }

  static CallContext readFrom(MultiMap metadata) {
    return new CallContext(metadata.get(REQUEST_ID), metadata.get(CALLER_ID), metadata.get(CALLER_ROLE));
  }
}
