-- One database per component: no service reads another's tables.
CREATE DATABASE membership;
CREATE DATABASE welfare;
CREATE DATABASE training;
CREATE DATABASE rights;
CREATE DATABASE gateway;
