package io.emporium.deploy;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import io.emporium.common.config.EmporiumConfig;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;

/**
 * The event bus shared by several processes (CLUSTER_ENABLED): Hazelcast, configured here rather
 * than from XML, finds the members over TCP only and keeps Vert.x's map of consumers; Vert.x then
 * sends messages between processes over its own TCP server.
 */
final class ClusteredEventBus {

  private ClusteredEventBus() {}

  static HazelcastClusterManager clusterManager(EmporiumConfig.Cluster cluster) {
    return new HazelcastClusterManager(hazelcast(cluster));
  }

  /**
   * Where this process's event bus listens and what the others dial; port 0 is any free one,
   * advertised as bound.
   */
  static EventBusOptions eventBusOptions(EmporiumConfig.Cluster cluster) {
    return new EventBusOptions()
        .setHost(cluster.eventBusHost())
        .setPort(cluster.eventBusPort())
        .setClusterPublicHost(cluster.eventBusHost());
  }

  static Config hazelcast(EmporiumConfig.Cluster cluster) {
    Config config = new Config();
    config.setClusterName(cluster.name());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    // join as soon as the listed members answer: the default waits 5 s for more to show up
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    // the launcher leaves the cluster itself, in order, on SIGTERM
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.graceful.shutdown.max.wait", "20");
    config.setProperty("hazelcast.local.localAddress", cluster.host());
    config.setProperty("hazelcast.socket.bind.any", "false");

    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(false);
    network.getRestApiConfig().setEnabled(false);
    network.getMemcacheProtocolConfig().setEnabled(false);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    List<String> members =
        cluster.members().isEmpty()
            ? List.of(cluster.host() + ":" + cluster.port())
            : cluster.members();
    join.getTcpIpConfig().setEnabled(true).setMembers(members).setConnectionTimeoutSeconds(2);

    // what vertx-hazelcast's default-cluster.xml declares for Vert.x's own structures
    config.addMultiMapConfig(
        new MultiMapConfig("__vertx.subs")
            .setBackupCount(1)
            .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    config.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
    config.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
    return config;
  }
}
