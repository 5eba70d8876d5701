/**
 * Example plugins, packed in a jar of their own for the daemon's {@code --plugins} folder and found
 * by {@link java.util.ServiceLoader}: a policy ({@link
 * io.dynamite.examples.plugin.MovingAveragePolicyProvider}, {@code type: moving-average}), a metric
 * source ({@link io.dynamite.examples.plugin.CsvFileMetricSourceProvider}, {@code type: csv-file})
 * and a target ({@link io.dynamite.examples.plugin.JournalTargetProvider}, {@code type:
 * journal-file}).
 */
@NullMarked
package io.dynamite.examples.plugin;

import org.jspecify.annotations.NullMarked;
