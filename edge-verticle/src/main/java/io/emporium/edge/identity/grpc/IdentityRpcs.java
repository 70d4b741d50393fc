package io.emporium.edge.identity.grpc;

import io.emporium.common.Ids;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcEndpoints;
import io.emporium.common.problem.ApiProblem;
import io.emporium.edge.identity.domain.User;
import io.emporium.edge.identity.store.UserStore;
import io.emporium.proto.identity.v1.IdentityGrpcService;
import io.emporium.proto.identity.v1.ListUsersRequest;
import io.emporium.proto.identity.v1.UserList;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The {@code emporium.identity.v1.Identity} service: users, for the platform's other services only.
 */
public final class IdentityRpcs {
  private static final int MAX_USERS = 100;
  private final UserStore users;

  public IdentityRpcs(UserStore users) {
    this.users = users;
  }

  public void bind(GrpcEndpoints endpoints) {
    endpoints.unary(IdentityGrpcService.ListUsers, this::listUsers);
  }

  Future<UserList> listUsers(CallContext caller, ListUsersRequest request) {
    caller.requireRole(CallContext.SERVICE_ROLE);
    if (request.getUserIdsCount() < 1 || request.getUserIdsCount() > MAX_USERS) {
      return Future.failedFuture(
          ApiProblem.invalid("userIds", "must hold 1 to " + MAX_USERS + " user ids"));
    }
    List<UUID> ids = new ArrayList<>();
    for (String raw : request.getUserIdsList()) {
      UUID id = Ids.parse(raw);
      if (id == null) {
        return Future.failedFuture(ApiProblem.invalid("userIds", "must be user ids (UUIDs)"));
      }
      ids.add(id);
    }
    return users
        .byIds(ids)
        .map(
            found -> {
              UserList.Builder list = UserList.newBuilder();
              for (User u : found) {
                list.addUsers(
                    io.emporium.proto.identity.v1.User.newBuilder()
                        .setId(u.id().toString())
                        .setEmail(u.email())
                        .setFullName(u.fullName())
                        .setRole(u.role())
                        .setActive(u.active()));
              }
              return list.build();
            });
  }
}
