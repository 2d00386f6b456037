// Security headers for every response (issue 8): work in progress.
