/** {@code scripts/demo}: the RVC job on a generated data set, with recall and speed. */
package dev.komsu.demo;
