package io.emporium.common.grpc;

import io.emporium.common.problem.ApiProblem;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Binds unary RPC implementations to a gRPC server, with the caller's context and problem mapping. */
public final class GrpcEndpoints {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcEndpoints.class);

  @FunctionalInterface
  public interface Unary<Req, Resp> {
    Future<Resp> handle(CallContext caller, Req request);
  }

  private GrpcEndpoints() {}

  public static <Req, Resp> void unary(GrpcServer server, ServiceMethod<Req, Resp> method, Unary<Req, Resp> implementation) {
    server.callHandler(method, call -> {
      CallContext caller = CallContext.readFrom(call.headers());
      call.last()
          .compose(request -> {
            try {
              return implementation.handle(caller, request);
            } catch (RuntimeException e) {
              return Future.failedFuture(e);
            }
          })
          .onSuccess(call.response()::end)
          .onFailure(failure -> fail(call.response(), caller, method, failure));
    });
  }

  private static void fail(GrpcServerResponse<?, ?> response, CallContext caller, ServiceMethod<?, ?> method, Throwable failure) {
    if (failure instanceof ApiProblem problem) {
      ProblemStatus.write(problem, response.trailers());
      response.status(ProblemStatus.grpcStatus(problem.status())).statusMessage(problem.detail()).end();
      return;
    }
    LOG.error("{} failed for request {}", method.methodName(), caller.requestId(), failure);
    response.status(GrpcStatus.INTERNAL).statusMessage("internal error").end();
  }
}
