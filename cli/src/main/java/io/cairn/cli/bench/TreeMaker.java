package io.cairn.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A tree shaped like a source tree (such as /usr/include), made the same way every time: about 16
 * files per directory, directories up to three deep, sizes spread from 100 bytes to 64 KiB (most
 * small, a few large), text that compresses as source does, and a symbolic link now and then.
 */
final class TreeMaker {
    static final int FILES_PER_DIR = 16;
    private static final String[] WORDS = {"static", "inline", "int", "unsigned", "long", "const", "char", "void",
        "struct", "return", "if", "else", "for", "while", "#define", "#include", "typedef", "size_t", "buffer",
        "length", "offset", "count", "flags", "node", "entry", "value", "(", ")", "{", "}", ";", "=", "->", "*", "0",
        "1", "NULL", "/*", "*/", "the", "of", "a", "is", "when"};

    private TreeMaker() {
    }

    static void make(Path root, int files) throws IOException {
        Random rnd = new Random(42);
        List<Path> dirs = new ArrayList<>(List.of(root));
        Files.createDirectories(root);
        int made = 0;
        int d = 0;
        while (made < files) {
            Path dir = dirs.get(d % dirs.size());
            d++;
            if (root.relativize(dir).getNameCount() < 3 || dir.equals(root)) {
                Path sub = dir.resolve("dir" + dirs.size());
                Files.createDirectories(sub);
                dirs.add(sub);
            }
            for (int i = 0; i < FILES_PER_DIR && made < files; i++, made++) {
                Path f = dir.resolve("file" + made + (made % 3 == 0 ? ".h" : ".c"));
                if (made % 97 == 96) {
                    Files.createSymbolicLink(f, Path.of("file" + (made - 1) + ((made - 1) % 3 == 0 ? ".h" : ".c")));
                    continue;
                }
                write(f, size(rnd), rnd);
            }
        }
    }

    /** 100 B to 64 KiB, log-uniform: most files small, as in a source tree. */
    private static int size(Random rnd) {
        return (int) Math.round(100 * Math.pow(655.36, rnd.nextDouble()));
    }

    private static void write(Path f, int size, Random rnd) throws IOException {
        StringBuilder sb = new StringBuilder(size + 16);
        int col = 0;
        while (sb.length() < size) {
            String w = WORDS[rnd.nextInt(WORDS.length)];
            sb.append(w);
            col += w.length() + 1;
            if (col > 60 + rnd.nextInt(20)) {
                sb.append('\n');
                col = 0;
            } else {
                sb.append(' ');
            }
        }
        sb.setLength(size);
        Files.writeString(f, sb, StandardCharsets.US_ASCII);
    }
}
