"""A minimal Django site showing django-comments-xtd's tree, as a newsroom would set it up."""
