"""intake/services"""
