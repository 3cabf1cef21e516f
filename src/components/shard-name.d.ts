// Types of shard-name.js for the TypeScript that imports it (pipelines/publish/shards.ts).
export declare function shardName(key: string): string;
export declare function shardKey(name: string): string | null;
