// berth.namespaces.v1: NamespaceUsage (asked before a namespace is deleted).
export * from '../../gen/berth/namespaces/v1/usage.js';
