/** The {@code komsu} command (picocli): build, search, blend, info, devices. */
package dev.komsu.cli;
