package io.emporium.catalog.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StockLevelsTest {

  @Test
  void absoluteTargetsCountReservedUnitsAndNothingGoesBelowZero() {
    assertThat(StockLevels.newStock(10, 3, 5, null)).contains(8);
    assertThat(StockLevels.newStock(10, 3, null, -7)).contains(3);
    assertThat(StockLevels.newStock(10, 3, null, -8)).isEmpty();
    assertThat(StockLevels.newStock(10, 3, -1, null)).isEmpty();
    assertThat(StockLevels.newStock(10, 0, null, StockLevels.MAX_STOCK)).isEmpty();
  }

  @Test
  void crossingTheThresholdIsReportedOnceEachWay() {
    assertThat(StockLevels.crossing(6, 5, 5)).contains(StockLevels.Crossing.FELL_TO_LOW);
    assertThat(StockLevels.crossing(5, 4, 5)).isEmpty();
    assertThat(StockLevels.crossing(2, 9, 5)).contains(StockLevels.Crossing.BACK_IN_STOCK);
    assertThat(StockLevels.crossing(9, 7, 5)).isEmpty();
  }
}
