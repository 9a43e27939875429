"""Print the schema as SDL (`make schema` writes it to schema.graphql)."""

from graph.schema import schema

if __name__ == "__main__":
    print(schema.as_str())
