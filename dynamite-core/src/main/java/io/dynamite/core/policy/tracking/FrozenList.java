package io.dynamite.core.policy.tracking;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * An immutable list over an array that nothing else holds, so that {@link ScalingHistory} can take
 * it without another copy. The stabilizer stores a recommendation at every evaluation; copying the
 * history once there instead of three times (into a list, then {@code List.copyOf}, which copies
 * twice) is most of what an evaluation at 1-s sampling with a 300-s window saves. Equal to, and
 * with the same hash code as, any list of the same elements. Immutable and thread-safe.
 *
 * @param <E> the element type
 */
final class FrozenList<E> extends AbstractList<E> implements RandomAccess {
  private final Object[] elements;

  private FrozenList(Object[] elements) {
    this.elements = elements;
  }

  /**
   * The list with one element replaced, or appended if {@code index} is -1.
   *
   * @param list the list, not changed
   * @param index the index to replace, or -1 to append
   * @param element the element, not null
   * @return a new list
   */
  static <E> List<E> withSlot(List<E> list, int index, E element) {
    Objects.requireNonNull(element, "element");
    int n = list.size();
    Object[] a;
    if (list instanceof FrozenList<E> f) {
      a = Arrays.copyOf(f.elements, index >= 0 ? n : n + 1);
    } else {
      a = new Object[index >= 0 ? n : n + 1];
      for (int i = 0; i < n; i++) {
        a[i] = Objects.requireNonNull(list.get(i));
      }
    }
    a[index >= 0 ? index : n] = element;
    return new FrozenList<>(a);
  }

  @Override
  @SuppressWarnings("unchecked")
  public E get(int index) {
    Objects.checkIndex(index, elements.length);
    return (E) elements[index];
  }

  @Override
  public int size() {
    return elements.length;
  }

  @Override
  public Object[] toArray() {
    return elements.clone();
  }
}
