package io.emporium.common.grpc;

import io.emporium.common.Ids;
import io.emporium.common.problem.ApiProblem;
import io.vertx.core.MultiMap;
import java.util.Arrays;
import java.util.UUID;

/**
 * Who is calling, from which client address and for which request, carried in gRPC metadata from
 * the edge to a service; a signed-in caller's identity travels with a {@link CallerSignature} the
 * service checks.
 */
public record CallContext(String requestId, String userId, String role, String clientAddress) {

  static final String REQUEST_ID = "x-request-id";
  static final String CALLER_ID = "x-caller-id";
  static final String CALLER_ROLE = "x-caller-role";
  static final String CALLER_SIGNATURE = "x-caller-signature";
  static final String CLIENT_ADDRESS = "x-client-address";

  /** The role of a service calling another on its own behalf (a saga step, a sweeper). */
  public static final String SERVICE_ROLE = "service";

  public CallContext(String requestId, String userId, String role) {
    this(requestId, userId, role, null);
  }

  public static CallContext anonymous(String requestId) {
    return new CallContext(requestId, null, null);
  }

  /**
   * A service calling on its own behalf, signed like a user so no outside caller can pose as it.
   */
  public static CallContext service(String requestId, String serviceName) {
    UUID id =
        UUID.nameUUIDFromBytes(
            ("service:" + serviceName).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return new CallContext(requestId, id.toString(), SERVICE_ROLE);
  }

  public boolean authenticated() {
    return userId != null;
  }

  public boolean isAdmin() {
    return "admin".equals(role);
  }

  /**
   * The caller's user id when they hold one of the roles: 401 when anonymous, 403 with another
   * role.
   */
  public UUID requireRole(String... roles) {
    UUID id = Ids.parse(userId);
    if (id == null) {
      throw ApiProblem.unauthorized("Sign in to do this.");
    }
    if (Arrays.stream(roles).noneMatch(r -> r.equals(role))) {
      throw ApiProblem.forbidden("This is for " + String.join(" or ", roles) + " accounts.");
    }
    return id;
  }

  void writeTo(MultiMap metadata, CallerSignature signature) {
    if (requestId != null) {
      metadata.set(REQUEST_ID, requestId);
    }
    if (clientAddress != null) {
      metadata.set(CLIENT_ADDRESS, clientAddress);
    }
    if (userId != null) {
      metadata.set(CALLER_ID, userId);
      metadata.set(CALLER_ROLE, role);
      metadata.set(CALLER_SIGNATURE, signature.sign(this));
    }
  }

  /** The caller the metadata names; null when it names one without a valid signature. */
  static CallContext readFrom(MultiMap metadata, CallerSignature signature) {
    CallContext caller =
        new CallContext(
            metadata.get(REQUEST_ID),
            metadata.get(CALLER_ID),
            metadata.get(CALLER_ROLE),
            metadata.get(CLIENT_ADDRESS));
    if (caller.userId == null) {
      return caller.role == null ? caller : null;
    }
    return signature.verify(caller, metadata.get(CALLER_SIGNATURE)) ? caller : null;
  }
}
