// The Serve module. DESIGN.md §2 gives its role; it is built by its own issue and is empty until then.
