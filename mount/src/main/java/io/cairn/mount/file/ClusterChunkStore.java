package io.cairn.mount.file;

import io.cairn.common.client.ChunkReader;
import io.cairn.common.client.ChunkWriter;
import io.cairn.common.client.MasterClient;
import io.cairn.common.wire.Attr;
import io.cairn.common.wire.ChunkRef;
import io.cairn.common.wire.FileLayout;
import io.cairn.common.wire.NodeInfo;
import io.cairn.common.wire.Replica;
import io.cairn.common.wire.Requests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link ChunkStore} over the real cluster: the master for metadata, datanodes for bytes. */
public final class ClusterChunkStore implements ChunkStore {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterChunkStore.class);
    private final MasterClient master;
    private final ChunkWriter writer;
    private final ChunkReader reader;
    /** Datanode id -> address, to read back a chunk uploaded but not yet committed. */
    private final Map<String, String> addresses = new ConcurrentHashMap<>();

    public ClusterChunkStore(MasterClient master, ChunkWriter writer, ChunkReader reader) {
        this.master = master;
        this.writer = writer;
        this.reader = reader;
    }

    @Override
    public Uploaded upload(long inode, long index, byte[] data, int length) throws IOException {
        Requests.CommitChunk c = writer.write(inode, index, data, length);
        return new Uploaded(c, new ChunkRef(index, c.id(), c.size(), c.length(), c.crc32c(), replicas(c.replicas())));
    }

    @Override
    public byte[] fetch(ChunkRef chunk) throws IOException {
        return reader.read(chunk);
    }

    @Override
    public FileLayout layout(long inode, long from, int limit) throws IOException {
        return master.layout(inode, from, limit);
    }

    @Override
    public Attr commit(Requests.Commit commit) throws IOException {
        return master.commit(commit);
    }

    @Override
    public Attr setSize(long inode, long size) throws IOException {
        return master.setAttr(new Requests.SetAttr(null, inode, null, null, null, size, null, null));
    }

    private List<Replica> replicas(List<String> nodeIds) {
        if (!addresses.keySet().containsAll(nodeIds)) {
            try {
                for (NodeInfo n : master.nodes()) {
                    addresses.put(n.id(), n.address());
                }
            } catch (IOException e) {
                // the chunk is in the read cache; only a re-read after eviction needs the addresses
                LOG.debug("could not list datanodes: {}", e.toString());
            }
        }
        List<Replica> out = new ArrayList<>(nodeIds.size());
        for (String id : nodeIds) {
            out.add(new Replica(id, addresses.get(id)));
        }
        return out;
    }
}
