package io.emporium.common.grpc;

import io.emporium.common.problem.ApiProblem;
import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Unary calls to one peer service through a generated client method: every call carries a deadline,
 * the request id and the caller's identity; a failed call comes back as an {@link ApiProblem}.
 */
public final class GrpcCalls {
  private final GrpcClient client;
  private final SocketAddress peer;
  private final String peerName;
  private final Duration deadline;
  private final CallerSignature signature;

  public GrpcCalls(
      GrpcClient client,
      SocketAddress peer,
      String peerName,
      Duration deadline,
      CallerSignature signature) {
    this.client = client;
    this.peer = peer;
    this.peerName = peerName;
    this.deadline = deadline;
    this.signature = signature;
  }

  public <Req, Resp> Future<Resp> call(
      ServiceMethod<Resp, Req> method, Req request, CallContext caller) {
    long started = System.nanoTime();
    return client
        .request(peer, method)
        .compose(
            call -> {
              call.timeout(deadline.toMillis(), TimeUnit.MILLISECONDS);
              caller.writeTo(call.headers(), signature);
              return call.send(request);
            })
        .compose(
            response ->
                response
                    .last()
                    .transform(
                        result -> {
                          if (result.succeeded() && response.status() == GrpcStatus.OK) {
                            return Future.succeededFuture(result.result());
                          }
                          // an error without a message comes back trailers-only: its trailers
                          // arrive as headers
                          ApiProblem problem = ProblemStatus.read(response.trailers());
                          if (problem == null) {
                            problem = ProblemStatus.read(response.headers());
                          }
                          if (problem != null) {
                            return Future.failedFuture(problem);
                          }
                          return Future.failedFuture(
                              pastDeadline(started) ? late() : unexpected(response.status()));
                        }),
            failure ->
                Future.failedFuture(
                    failure instanceof ApiProblem
                        ? failure
                        : pastDeadline(started)
                            ? late()
                            : ApiProblem.unavailable(
                                "The " + peerName + " service is unavailable.")));
  }

  /**
   * A call cut off by its deadline fails as a reset stream or a cancelled call, whichever comes
   * first.
   */
  private boolean pastDeadline(long started) {
    return System.nanoTime() - started >= deadline.toNanos();
  }

  private ApiProblem late() {
    return ApiProblem.of(504, "The " + peerName + " service did not answer in time.");
  }

  private ApiProblem unexpected(GrpcStatus status) {
    if (status == GrpcStatus.DEADLINE_EXCEEDED) {
      return late();
    }
    // a peer that refuses the request as invalid without saying more: still the caller's input,
    // never a 5xx
    if (status == GrpcStatus.INVALID_ARGUMENT) {
      return ApiProblem.badRequest("The " + peerName + " service refused the request as invalid.");
    }
    if (status == GrpcStatus.UNAVAILABLE) {
      return ApiProblem.unavailable("The " + peerName + " service is unavailable.");
    }
    return ApiProblem.of(502, "The " + peerName + " service failed (" + status + ").");
  }
}
