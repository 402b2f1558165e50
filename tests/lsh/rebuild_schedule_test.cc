#include "slide/lsh/rebuild_schedule.h"

#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "lsh/test_util.h"
#include "slide/core/error.h"

namespace slide::lsh {
namespace {

std::vector<std::uint64_t> refresh_batches(RebuildSchedule& schedule, std::uint64_t batches,
                                           std::vector<RefreshAction>* actions = nullptr) {
  std::vector<std::uint64_t> at;
  for (std::uint64_t b = 1; b <= batches; ++b) {
    const RefreshAction a = schedule.after_batch(b);
    if (a != RefreshAction::none) {
      at.push_back(b);
      if (actions) actions->push_back(a);
    }
  }
  return at;
}

TEST(RebuildSchedule, FixedPeriod) {
  RebuildScheduleConfig c;
  c.kind = ScheduleKind::fixed;
  c.period = 50;
  c.rebuild_every = 3;
  RebuildSchedule s(c);
  std::vector<RefreshAction> actions;
  EXPECT_EQ(refresh_batches(s, 320, &actions),
            (std::vector<std::uint64_t>{50, 100, 150, 200, 250, 300}));
  EXPECT_EQ(actions, (std::vector<RefreshAction>{RefreshAction::rehash, RefreshAction::rehash,
                                                 RefreshAction::rebuild, RefreshAction::rehash,
                                                 RefreshAction::rehash, RefreshAction::rebuild}));
}

TEST(RebuildSchedule, ExponentialIntervalsGrowByTheFactor) {
  RebuildScheduleConfig c;
  c.kind = ScheduleKind::exponential;
  c.period = 50;
  c.growth = 2.0;
  RebuildSchedule s(c);
  EXPECT_EQ(refresh_batches(s, 2000), (std::vector<std::uint64_t>{50, 150, 350, 750, 1550}));
  c.max_period = 120;
  RebuildSchedule capped(c);
  EXPECT_EQ(refresh_batches(capped, 600), (std::vector<std::uint64_t>{50, 150, 270, 390, 510}));
}

TEST(RebuildSchedule, OnChangeMeasuresOnlyWhenDue) {
  RebuildScheduleConfig c;
  c.kind = ScheduleKind::on_change;
  c.check_period = 10;
  c.change_threshold = 0.25;
  RebuildSchedule s(c);
  std::vector<std::uint64_t> measured_at, refreshed_at;
  double changed = 0.0;
  for (std::uint64_t b = 1; b <= 60; ++b) {
    changed = b >= 40 ? 0.3 : 0.1;
    const RefreshAction a = s.after_batch(b, [&] {
      measured_at.push_back(b);
      return changed;
    });
    if (a != RefreshAction::none) refreshed_at.push_back(b);
  }
  EXPECT_EQ(measured_at, (std::vector<std::uint64_t>{10, 20, 30, 40, 50, 60}));
  EXPECT_EQ(refreshed_at, (std::vector<std::uint64_t>{40, 50, 60}));
  EXPECT_THROW(s.after_batch(70), UsageError);  // on_change without a measurement
}

TEST(RebuildSchedule, RejectsBadConfigurations) {
  RebuildScheduleConfig c;
  c.period = 0;
  EXPECT_THROW(RebuildSchedule{c}, UsageError);
  c.period = 10;
  c.growth = 0.5;
  EXPECT_THROW(RebuildSchedule{c}, UsageError);
  c.kind = ScheduleKind::on_change;
  c.change_threshold = 1.5;
  EXPECT_THROW(RebuildSchedule{c}, UsageError);
}

TEST(ChangeMonitor, MeasuresTheFractionOfRowsWhoseKeysChanged) {
  const std::size_t n = 5000, dim = 16;
  Rng rng(1);
  std::vector<float> rows(n * dim);
  for (float& v : rows) v = static_cast<float>(rng.normal());
  LshConfig config;
  config.family = HashFamily::simhash;
  config.projection = SimHashProjection::gaussian;
  config.k = 4;
  config.l = 8;
  const auto functions = make_hash_functions(config, dim);
  ChangeMonitor monitor(n, 400, 7);
  EXPECT_EQ(monitor.sample().size(), 400U);
  EXPECT_EQ(std::set<std::uint32_t>(monitor.sample().begin(), monitor.sample().end()).size(), 400U);
  EXPECT_THROW(monitor.changed_fraction(*functions, rows.data(), dim), UsageError);
  monitor.snapshot(*functions, rows.data(), dim);
  EXPECT_EQ(monitor.changed_fraction(*functions, rows.data(), dim), 0.0);
  // Negate every row of an even id: every one of its 32 bits flips.
  for (std::size_t i = 0; i < n; i += 2)
    for (std::size_t d = 0; d < dim; ++d) rows[i * dim + d] = -rows[i * dim + d];
  double even = 0;
  for (std::uint32_t id : monitor.sample()) even += id % 2 == 0;
  EXPECT_DOUBLE_EQ(monitor.changed_fraction(*functions, rows.data(), dim),
                   even / monitor.sample().size());
  ChangeMonitor small(10, 400, 7);
  EXPECT_EQ(small.sample().size(), 10U);
}

}  // namespace
}  // namespace slide::lsh
