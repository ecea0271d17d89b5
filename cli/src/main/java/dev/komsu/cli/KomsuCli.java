package dev.komsu.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code komsu}: build, search, blend, inspect and tune faiss-format indexes from the command line.
 * Exit codes: 0 success, 2 bad arguments or bad input (message on stderr, nothing written),
 * 1 internal failure. The flags are stable (DESIGN §3) so that scripts can rely on them.
 */
@Command(name = "komsu", mixinStandardHelpOptions = true, version = "komsu 0.2.0",
        description = "Nearest-neighbour search over dense float vectors, faiss-compatible.",
        subcommands = {BuildCommand.class, SearchCommand.class, BlendCommand.class, InfoCommand.class, TuneCommand.class, ShardCommand.class,
                DevicesCommand.class, AddCommand.class, RemoveCommand.class, MergeCommand.class, CommandLine.HelpCommand.class})
public final class KomsuCli implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing command: one of build, search, blend, info, tune, shard, devices, add, remove, merge");
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new KomsuCli()).execute(args));
    }
}
