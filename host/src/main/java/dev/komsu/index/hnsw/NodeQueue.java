package dev.komsu.index.hnsw;

import java.util.Arrays;

/**
 * A growable heap of (distance, node) without boxing: the farthest on top ({@code nearestFirst}
 * false, faiss's NodeDistCloser queue) or the nearest on top (true, NodeDistFarther). Insertion
 * keeps one of each per walker.
 */
final class NodeQueue {
    private final boolean nearestFirst;
    private float[] keys = new float[64];
    private int[] ids = new int[64];
    private int size;

    NodeQueue(boolean nearestFirst) {
        this.nearestFirst = nearestFirst;
    }

    void clear() {
        size = 0;
    }

    int size() {
        return size;
    }

    void push(float distance, int node) {
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, 2 * size);
            ids = Arrays.copyOf(ids, 2 * size);
        }
        // A max-heap on the key; the nearest-first queue stores negated distances.
        MaxHeap.push(++size, keys, ids, nearestFirst ? -distance : distance, node);
    }

    float topDistance() {
        return nearestFirst ? -keys[0] : keys[0];
    }

    int topNode() {
        return ids[0];
    }

    void pop() {
        MaxHeap.pop(size--, keys, ids);
    }
}
