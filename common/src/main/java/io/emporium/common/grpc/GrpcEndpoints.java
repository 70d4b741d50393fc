package io.emporium.common.grpc;

import com.google.protobuf.Message;
import io.emporium.common.problem.ApiProblem;
import io.emporium.common.problem.ErrorReports;
import io.emporium.common.problem.StorableText;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds unary RPC implementations to a gRPC server: the caller's context (refused when its
 * signature is missing or wrong), input text checked as storable, and failures mapped to status
 * plus problem trailers.
 */
public final class GrpcEndpoints {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcEndpoints.class);

  @FunctionalInterface
  public interface Unary<Req, Resp> {
    Future<Resp> handle(CallContext caller, Req request);
  }

  private final GrpcServer server;
  private final CallerSignature signature;

  public GrpcEndpoints(GrpcServer server, CallerSignature signature) {
    this.server = server;
    this.signature = signature;
  }

  public <Req, Resp> void unary(ServiceMethod<Req, Resp> method, Unary<Req, Resp> implementation) {
    server.callHandler(
        method,
        call -> {
          CallContext caller = CallContext.readFrom(call.headers(), signature);
          if (caller == null) {
            fail(
                call.response(),
                CallContext.anonymous(call.headers().get(CallContext.REQUEST_ID)),
                method,
                ApiProblem.unauthorized("The caller identity is not signed by the edge."));
            return;
          }
          call.last()
              .compose(
                  request -> {
                    try {
                      if (request instanceof Message message) {
                        // services are reachable without the edge: they refuse text they cannot
                        // store themselves
                        StorableText.require(StorableText.inMessage(message));
                      }
                      return implementation.handle(caller, request);
                    } catch (RuntimeException e) {
                      return Future.failedFuture(e);
                    }
                  })
              .onSuccess(response -> answer(method, caller, () -> call.response().end(response)))
              .onFailure(
                  failure ->
                      answer(method, caller, () -> fail(call.response(), caller, method, failure)));
        });
  }

  /**
   * Answers, unless the caller has gone (its deadline passed, or it cancelled): then there is no
   * one to answer.
   */
  private static void answer(ServiceMethod<?, ?> method, CallContext caller, Runnable answer) {
    try {
      answer.run();
    } catch (IllegalStateException e) {
      LOG.debug(
          "{} for request {} ended after its caller had gone: {}",
          method.methodName(),
          caller.requestId(),
          e.getMessage());
    }
  }

  private static void fail(
      GrpcServerResponse<?, ?> response,
      CallContext caller,
      ServiceMethod<?, ?> method,
      Throwable failure) {
    ApiProblem unavailable =
        failure instanceof ApiProblem ? null : ApiProblem.ifUnavailable(failure);
    if (unavailable != null) {
      LOG.warn(
          "{} failed for request {}: a dependency is unavailable: {}",
          method.methodName(),
          caller.requestId(),
          failure.toString());
      failure = unavailable;
    }
    if (failure instanceof ApiProblem problem) {
      ProblemStatus.write(problem, response.trailers());
      response
          .status(ProblemStatus.grpcStatus(problem.status()))
          .statusMessage(ProblemStatus.bounded(problem.detail()))
          .end();
      return;
    }
    LOG.error("{} failed for request {}", method.methodName(), caller.requestId(), failure);
    ErrorReports.serverError(
        method.serviceName().packageName(),
        caller.requestId(),
        "gRPC",
        "/" + method.fullMethodName(),
        500,
        failure);
    response.status(GrpcStatus.INTERNAL).statusMessage("internal error").end();
  }
}
