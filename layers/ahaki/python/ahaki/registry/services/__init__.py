"""registry/services"""
