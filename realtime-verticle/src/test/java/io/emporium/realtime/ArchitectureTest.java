package io.emporium.realtime;

import io.emporium.common.architecture.ServiceRooms;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The realtime service's rooms and which way their arrows point: the rules every service keeps
 * (ServiceRooms).
 */
class ArchitectureTest {
  @TestFactory
  Stream<DynamicTest> theRoomsHold() {
    return ServiceRooms.check("io.emporium.realtime", "mail");
  }
}
