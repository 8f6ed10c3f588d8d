"""Graph views: view models built from queries, rendered with pyvis and vis-timeline."""
