"""Reports rendered from warehouse queries: the weekly HTML report."""
