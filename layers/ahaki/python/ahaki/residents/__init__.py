"""residents"""
