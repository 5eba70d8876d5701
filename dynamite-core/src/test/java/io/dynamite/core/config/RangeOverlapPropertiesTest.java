package io.dynamite.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamite.api.ConfigException;
import io.dynamite.api.ConfigProblem;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The overlap check of instance number ranges reports exactly the overlapping pairs, at the later
 * service and naming each earlier one, in configuration order: the same as comparing every pair.
 */
class RangeOverlapPropertiesTest {

  @Property(tries = 300)
  void reportsEveryOverlappingPairInConfigurationOrder(
      @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 0, max = 60) Integer> bases,
      @ForAll @Size(min = 12, max = 12) List<@IntRange(min = 1, max = 4) Integer> maxes,
      @ForAll @Size(min = 12, max = 12) List<@IntRange(min = 1, max = 3) Integer> steps) {
    DynamiteConfig.Builder b = DynamiteConfig.builder();
    long[] first = new long[bases.size()];
    long[] last = new long[bases.size()];
    for (int i = 0; i < bases.size(); i++) {
      b.service(ServiceConfig.builder("s" + i).unit("s" + i + "@.service", "[Service]\nExecStart=/bin/true\n")
          .maxInstance(maxes.get(i)).baseInstancePrefixNumber(bases.get(i)).portsPerInstance(steps.get(i)));
      first[i] = bases.get(i);
      last[i] = bases.get(i) + (long) maxes.get(i) * steps.get(i) - 1;
    }
    List<String> expected = new ArrayList<>();
    for (int j = 1; j < bases.size(); j++) {
      for (int i = 0; i < j; i++) {
        if (first[i] <= last[j] && first[j] <= last[i]) {
          expected.add("Dynamite.Service.s" + j + ".base_instance_prefix_number: instance number range ["
              + first[j] + ", " + last[j] + "] of service 's" + j + "' overlaps range [" + first[i] + ", " + last[i]
              + "] of service 's" + i + "'; a range is [base_instance_prefix_number, base_instance_prefix_number"
              + " + max_instance * ports_per_instance - 1]");
        }
      }
    }
    List<String> reported = new ArrayList<>();
    try {
      b.build();
    } catch (ConfigException e) {
      e.problems().stream().map(ConfigProblem::toString).forEach(reported::add);
    }
    assertThat(reported).isEqualTo(expected);
  }
}
