"""Dash pieces shared by the pages: the shell, components, figures, theme."""
