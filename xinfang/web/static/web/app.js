// Small enhancements of the staff pages; every page works without this file.
