"""Platform adapters: each streams comments into the pipeline and carries host actions out."""
