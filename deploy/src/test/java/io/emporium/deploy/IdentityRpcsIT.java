package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.identity.v1.IdentityGrpcClient;
import io.emporium.proto.identity.v1.ListUsersRequest;
import io.emporium.proto.identity.v1.User;
import io.emporium.proto.identity.v1.UserList;
import io.vertx.core.Future;
import java.util.Collections;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Identity's gRPC contract, as the platform's services call it: users by id, for services only. */
@ExtendWith(TestPlatform.class)
class IdentityRpcsIT {
  private static final GrpcCalls IDENTITY = TestPlatform.grpc(EmporiumConfig.Service.EDGE);

  private static CallContext service() {
    return CallContext.service("identity-rpcs-it-" + UUID.randomUUID(), "realtime");
  }

  private static ApiProblem refusal(Future<?> call) {
    Throwable failure = call.transform(ar -> Future.succeededFuture(ar.cause())).await();
    assertThat(failure).isInstanceOf(ApiProblem.class);
    return (ApiProblem) failure;
  }

  @Test
  void aServiceListsTheUsersIdentityKnowsAndNoneElse(Api api) {
    Accounts.Account seller = Accounts.signedIn(api, "seller");
    String stranger = UUID.randomUUID().toString();
    UserList list =
        IDENTITY
            .call(
                IdentityGrpcClient.ListUsers,
                ListUsersRequest.newBuilder().addUserIds(seller.id()).addUserIds(stranger).build(),
                service())
            .await();
    assertThat(list.getUsersList()).hasSize(1);
    User user = list.getUsers(0);
    assertThat(user.getId()).isEqualTo(seller.id());
    assertThat(user.getEmail()).isEqualTo(seller.email());
    assertThat(user.getRole()).isEqualTo("seller");
    assertThat(user.getActive()).isTrue();
    assertThat(user.getFullName()).isNotBlank();
  }

  @Test
  void onlyServicesMayListUsers() {
    ListUsersRequest one =
        ListUsersRequest.newBuilder().addUserIds(UUID.randomUUID().toString()).build();
    for (String role : new String[] {"customer", "seller", "admin"}) {
      CallContext user =
          new CallContext(
              "identity-rpcs-it-" + UUID.randomUUID(), UUID.randomUUID().toString(), role);
      assertThat(refusal(IDENTITY.call(IdentityGrpcClient.ListUsers, one, user)).status())
          .as(role)
          .isEqualTo(403);
    }
    assertThat(
            refusal(
                    IDENTITY.call(
                        IdentityGrpcClient.ListUsers,
                        one,
                        CallContext.anonymous("identity-rpcs-it")))
                .status())
        .isEqualTo(401);
  }

  @Test
  void aListOfNoneTooManyOrNotIdsIsRefused() {
    ListUsersRequest none = ListUsersRequest.getDefaultInstance();
    ListUsersRequest tooMany =
        ListUsersRequest.newBuilder()
            .addAllUserIds(Collections.nCopies(101, UUID.randomUUID().toString()))
            .build();
    ListUsersRequest notIds =
        ListUsersRequest.newBuilder()
            .addUserIds(UUID.randomUUID().toString())
            .addUserIds("user-7")
            .build();
    for (ListUsersRequest bad : new ListUsersRequest[] {none, tooMany, notIds}) {
      ApiProblem refused = refusal(IDENTITY.call(IdentityGrpcClient.ListUsers, bad, service()));
      assertThat(refused.status()).as(bad.toString()).isEqualTo(422);
    }
  }
}
