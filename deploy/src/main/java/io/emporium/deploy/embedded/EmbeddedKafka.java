package io.emporium.deploy.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A real single-node Kafka (KRaft, broker and controller in one) inside this JVM. The log directory
 * is formatted on first use and reused afterwards, so topics and offsets survive restarts.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final String HOST = "127.0.0.1";
  private static final int NODE_ID = 1;

  private final KafkaRaftServer server;
  private final String bootstrapServers;

  private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
  }

  public static EmbeddedKafka start(Path logDir, int port) throws IOException {
    Files.createDirectories(logDir);
    int controllerPort = EmbeddedServices.freePort();
    KafkaConfig config =
        KafkaConfig.fromProps(properties(logDir.toAbsolutePath().toString(), port, controllerPort));
    if (!Files.exists(logDir.resolve(MetaPropertiesEnsemble.META_PROPERTIES_NAME))) {
      format(config);
    }
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    try {
      server.startup();
    } catch (RuntimeException e) {
      server.shutdown();
      server.awaitShutdown();
      throw e;
    }
    return new EmbeddedKafka(server, HOST + ":" + port);
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  private static Properties properties(String logDir, int port, int controllerPort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    // a static quorum: the controller address comes from here on every start, so it may change
    p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logDir);
    p.put("num.partitions", "3");
    p.put("auto.create.topics.enable", "true");
    // one node: every internal topic has one replica, or consumer groups hang without a word
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // the log cleaner preallocates this on the heap (128 MiB by default); a dev broker needs little
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 << 20));
    // a restart re-registers node 1: a short session lets the controller drop the old incarnation
    // quickly
    p.put("broker.heartbeat.interval.ms", "500");
    // the controller writes a no-op record to its log this often when nothing happens (500 ms by
    // default), and the broker applies each: most of an idle broker's work
    p.put("metadata.max.idle.interval.ms", "5000");
    p.put("broker.session.timeout.ms", "1500");
    // a restart after a crash reloads the dead process's consumers as members holding their
    // partitions until their
    // sessions end: 45 s by default, in which nothing of those topics is consumed. Six seconds is
    // enough on one host.
    p.put("group.consumer.min.session.timeout.ms", "6000");
    p.put("group.consumer.session.timeout.ms", "6000");
    p.put("group.consumer.min.heartbeat.interval.ms", "1000");
    p.put("group.consumer.heartbeat.interval.ms", "2000");
    return p;
  }

  private static void format(KafkaConfig config) {
    Formatter formatter =
        new Formatter()
            .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
            .setNodeId(config.nodeId())
            .setClusterId(Uuid.randomUuid().toString())
            .setControllerListenerName(config.controllerListenerNames().get(0))
            .setMetadataLogDirectory(config.metadataLogDir())
            .setHasDynamicQuorum(false)
            .setIgnoreFormatted(true);
    config.logDirs().forEach(formatter::addDirectory);
    try {
      formatter.run();
    } catch (Exception e) {
      throw new IllegalStateException(
          "formatting the Kafka log directory failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }
}
