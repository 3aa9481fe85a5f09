package io.cairn.common.client;

import io.cairn.common.error.CairnException;
import io.cairn.common.error.ErrorCode;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.FileLayout;

import java.io.IOException;

/**
 * One file's chunk list, asked of the master a page ({@link #PAGE} chunks) at a time: a page from
 * any index (the mount's random access), or every chunk in order (a download). Nothing here holds
 * more than one page.
 */
public final class LayoutPages {
    /** Chunks asked for per page (the master may answer with fewer and a cursor). */
    public static final int PAGE = 1024;

    /** Where pages come from: the master's {@code GET /fs/chunks}. */
    @FunctionalInterface
    public interface Source {
        FileLayout layout(long inode, long from, int limit) throws IOException;
    }

    private final Source source;
    private final long inode;

    public LayoutPages(Source source, long inode) {
        this.source = source;
        this.inode = inode;
    }

    /** The page from index {@code from}: it covers every index up to its {@code next} cursor (or to the end). */
    public FileLayout page(long from) throws IOException {
        return source.layout(inode, from, PAGE);
    }

    /**
     * The chunk {@code stale} as the master's list has it now, with fresh replicas and chunk tokens
     * (a layout kept longer than its tokens last), or null when the file no longer holds that chunk
     * at that index.
     */
    public ChunkRef again(ChunkRef stale) throws IOException {
        FileLayout page = source.layout(inode, stale.index(), 1);
        for (ChunkRef c : page.chunks()) {
            if (c.index() != stale.index()) {
                continue;
            }
            if (c.id().equals(stale.id()) && !stale.isSlice()) {
                return c;
            }
            for (ChunkRef s : c.sliceList()) {
                if (s.id().equals(stale.id()) && stale.isSlice()) {
                    return s;
                }
            }
        }
        return null;
    }

    /** Whether {@code e} says a datanode refused a chunk token: asking {@link #again} may cure it. */
    public static boolean tokenRefused(IOException e) {
        return e instanceof CairnException ce && ce.code() == ErrorCode.EAUTH;
    }

    /** Every chunk of the file in index order, the first page being {@code first} (from index 0). */
    public Walk walk(FileLayout first) {
        return new Walk(first);
    }

    /** A walk over the chunk list; the next page is fetched only when the current one is used up. */
    public final class Walk {
        private FileLayout page;
        private int i;

        private Walk(FileLayout first) {
            this.page = first;
        }

        /** The next chunk, or null after the last. */
        public ChunkRef next() throws IOException {
            while (i >= page.chunks().size()) {
                if (page.next() == null) {
                    return null;
                }
                page = page(page.next());
                i = 0;
            }
            return page.chunks().get(i++);
        }
    }
}
